// The label-selector grammar (labels.Parse), transcribed from
// k8s.io/apimachinery/pkg/labels/selector.go so that every accepted string,
// every rejected one and every error message agree with kube-apiserver 1.32:
//
//   <selector>    ::= <requirement> | <requirement> "," <selector>
//   <requirement> ::= [!] KEY [ <set-based> | <exact-match> ]
//   <set-based>   ::= ("in" | "notin") "(" VALUE { "," VALUE } ")"
//   <exact-match> ::= ("=" | "==" | "!=" | ">" | "<") VALUE
//
// Errors are returned as text (the caller turns them into a 400).

import { scan, type ScannedItem, type Token } from './lexer.js';
import {
  BINARY_OPERATORS,
  byteOrder,
  labelKeyError,
  requirementError,
  validatedRequirement,
  type LabelOperator,
  type LabelRequirement,
} from './requirement.js';

/** What a failed parse reports: Kubernetes' message, verbatim. */
export class SelectorSyntaxError extends Error {
  override readonly name = 'SelectorSyntaxError';
}

/** `in`/`notin` are operators after a key but plain identifiers where a value is expected. */
type Context = 'keyAndOperator' | 'values';

class Parser {
  private position = 0;

  constructor(private readonly items: readonly ScannedItem[]) {}

  private at(i: number, context: Context): [Token, string] {
    // The scanner always ends with an `end` item and the grammar never reads past it.
    const item = this.items[Math.min(i, this.items.length - 1)] ?? { tok: 'end', literal: '' };
    const tok = context === 'values' && (item.tok === 'in' || item.tok === 'notin') ? 'identifier' : item.tok;
    return [tok, item.literal];
  }

  private lookahead(context: Context): [Token, string] {
    return this.at(this.position, context);
  }

  private consume(context: Context): [Token, string] {
    return this.at(this.position++, context);
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const [tok, lit] = this.lookahead('values');
      switch (tok) {
        case 'identifier':
        case '!': {
          requirements.push(this.parseRequirementWrapped());
          const [t, l] = this.consume('values');
          if (t === 'end') return requirements;
          if (t !== ',') throw new SelectorSyntaxError(`found '${l}', expected: ',' or 'end of string'`);
          const [t2, l2] = this.lookahead('values');
          if (t2 !== 'identifier' && t2 !== '!') throw new SelectorSyntaxError(`found '${l2}', expected: identifier after ','`);
          break;
        }
        case 'end':
          return requirements;
        default:
          throw new SelectorSyntaxError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  private parseRequirementWrapped(): LabelRequirement {
    try {
      return this.parseRequirement();
    } catch (err) {
      if (err instanceof SelectorSyntaxError) throw new SelectorSyntaxError(`unable to parse requirement: ${err.message}`);
      throw err;
    }
  }

  private parseRequirement(): LabelRequirement {
    const [key, inferred] = this.parseKeyAndInferOperator();
    if (inferred !== undefined) return requirement({ key, operator: inferred, values: [] });
    const op = this.parseOperator();
    const values = op === 'in' || op === 'notin' ? this.parseValues() : this.parseExactValue();
    // sets.String.List(): sorted, duplicates gone.
    return requirement({ key, operator: op, values: [...values].sort(byteOrder) });
  }

  /** The key, and `exists` / `!` when no operator follows it. */
  private parseKeyAndInferOperator(): [string, LabelOperator | undefined] {
    let operator: LabelOperator | undefined;
    let [tok, literal] = this.consume('values');
    if (tok === '!') {
      operator = '!';
      [tok, literal] = this.consume('values');
    }
    if (tok !== 'identifier') throw new SelectorSyntaxError(`found '${literal}', expected: identifier`);
    // The parser validates the bare key with a nil field path, hence Kubernetes' `<nil>:` prefix.
    const keyErr = labelKeyError(literal, '<nil>');
    if (keyErr) throw new SelectorSyntaxError(keyErr);
    const [next] = this.lookahead('values');
    if ((next === 'end' || next === ',') && operator !== '!') operator = 'exists';
    return [literal, operator];
  }

  private parseOperator(): LabelOperator {
    const [tok, lit] = this.consume('keyAndOperator');
    switch (tok) {
      case 'in':
        return 'in';
      case '=':
        return '=';
      case '==':
        return '==';
      case '>':
        return 'gt';
      case '<':
        return 'lt';
      case 'notin':
        return 'notin';
      case '!=':
        return '!=';
      default:
        throw new SelectorSyntaxError(`found '${lit}', expected: ${BINARY_OPERATORS.join(', ')}`);
    }
  }

  /** `(a,b,c)`; `()` means the one value "". */
  private parseValues(): Set<string> {
    let [tok, lit] = this.consume('values');
    if (tok !== '(') throw new SelectorSyntaxError(`found '${lit}' expected: '('`);
    [tok, lit] = this.lookahead('values');
    switch (tok) {
      case 'identifier':
      case ',': {
        const s = this.parseIdentifiersList();
        // Go reports the token seen before the list here, not the one that failed.
        if (this.consume('values')[0] !== ')') throw new SelectorSyntaxError(`found '${lit}', expected: ')'`);
        return s;
      }
      case ')':
        this.consume('values');
        return new Set(['']);
      default:
        throw new SelectorSyntaxError(`found '${lit}', expected: ',', ')' or identifier`);
    }
  }

  /** A comma-separated list whose items may be empty: `(a,,b)` holds "", `(,a)` and `(a,)` too. */
  private parseIdentifiersList(): Set<string> {
    const s = new Set<string>();
    for (;;) {
      const [tok, lit] = this.consume('values');
      if (tok === 'identifier') {
        s.add(lit);
        const [tok2, lit2] = this.lookahead('values');
        if (tok2 === ',') continue;
        if (tok2 === ')') return s;
        throw new SelectorSyntaxError(`found '${lit2}', expected: ',' or ')'`);
      }
      if (tok === ',') {
        if (s.size === 0) s.add('');
        const [tok2] = this.lookahead('values');
        if (tok2 === ')') {
          s.add('');
          return s;
        }
        if (tok2 === ',') {
          this.consume('values');
          s.add('');
        }
        continue;
      }
      throw new SelectorSyntaxError(`found '${lit}', expected: ',', or identifier`);
    }
  }

  /** The one value after `=`, `==`, `!=`, `>`, `<`; nothing before `,` or the end means "". */
  private parseExactValue(): Set<string> {
    const [next] = this.lookahead('values');
    if (next === 'end' || next === ',') return new Set(['']);
    const [tok, lit] = this.consume('values');
    if (tok === 'identifier') return new Set([lit]);
    throw new SelectorSyntaxError(`found '${lit}', expected: identifier`);
  }
}

function requirement(spec: { key: string; operator: LabelOperator; values: string[] }): LabelRequirement {
  const err = requirementError(spec);
  if (err !== undefined) throw new SelectorSyntaxError(err);
  return validatedRequirement(spec);
}

/** labels.Parse minus the final sort: the requirements in written order. */
export function parseRequirements(text: string): LabelRequirement[] {
  return new Parser(scan(text)).parse();
}
