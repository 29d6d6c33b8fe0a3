// Kubernetes' `$(VAR)` expansion in command, args and env values
// (third_party/forked/golang/expansion): `$(NAME)` becomes the variable's
// value when it is defined, stays as written when it is not, and `$$` is an
// escaped `$`.

export function expand(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (ch !== '$' || i + 1 >= input.length) {
      out += ch;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, close);
      const value = name ? lookup(name) : undefined;
      out += value ?? `$(${name})`;
      i = close;
    } else {
      out += '$' + next;
      i++;
    }
  }
  return out;
}
