// Label maps and label selectors rendered the way Kubernetes prints them:
// labels.FormatLabels (sorted "k=v" pairs, `<none>` when empty) and
// metav1.LabelSelectorAsSelector(...).String() (requirements sorted by key,
// `in`/`notin` values sorted). An invalid selector is reported, not thrown,
// so each printer can show Kubernetes' placeholder (`<error>`/`<invalid>`).

export interface LabelSelectorRequirement {
  key?: string;
  operator?: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** Go's byte-wise string order (label keys and values are ASCII). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** labels.FormatLabels: `a=1,b=2`, or `<none>` for an empty or absent map. */
export function formatLabels(map: Record<string, string> | undefined | null): string {
  const pairs = Object.entries(map ?? {}).map(([k, v]) => `${k}=${v}`);
  if (pairs.length === 0) return '<none>';
  return pairs.sort(compareStrings).join(',');
}

export type SelectorString = { ok: true; value: string } | { ok: false; error: string };

const NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function validLabelKey(key: string): boolean {
  const slash = key.indexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (slash >= 0) {
    const prefix = key.slice(0, slash);
    if (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)) return false;
  }
  return name.length > 0 && name.length <= 63 && NAME_PART.test(name);
}

function validLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && NAME_PART.test(value));
}

interface Requirement {
  key: string;
  text: string;
}

/**
 * metav1.LabelSelectorAsSelector(sel).String(). A nil selector selects
 * nothing and an empty one everything; both print as "".
 */
export function labelSelectorString(sel: LabelSelector | undefined | null): SelectorString {
  if (!sel) return { ok: true, value: '' };
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) {
    if (!validLabelKey(key)) return { ok: false, error: `invalid label key "${key}"` };
    if (!validLabelValue(value)) return { ok: false, error: `invalid label value "${value}"` };
    reqs.push({ key, text: `${key}=${value}` });
  }
  for (const expr of sel.matchExpressions ?? []) {
    const key = expr.key ?? '';
    const values = expr.values ?? [];
    if (!validLabelKey(key)) return { ok: false, error: `invalid label key "${key}"` };
    switch (expr.operator) {
      case 'In':
      case 'NotIn': {
        if (values.length === 0) return { ok: false, error: `${expr.operator} needs values` };
        if (!values.every(validLabelValue)) return { ok: false, error: `invalid label value in ${key}` };
        const op = expr.operator === 'In' ? 'in' : 'notin';
        reqs.push({ key, text: `${key} ${op} (${[...values].sort(compareStrings).join(',')})` });
        break;
      }
      case 'Exists':
        if (values.length !== 0) return { ok: false, error: 'Exists takes no values' };
        reqs.push({ key, text: key });
        break;
      case 'DoesNotExist':
        if (values.length !== 0) return { ok: false, error: 'DoesNotExist takes no values' };
        reqs.push({ key, text: `!${key}` });
        break;
      default:
        return { ok: false, error: `"${String(expr.operator)}" is not a valid label selector operator` };
    }
  }
  // Array.prototype.sort is stable; Go's sort.Sort is not, but equal keys are rare.
  reqs.sort((a, b) => compareStrings(a.key, b.key));
  return { ok: true, value: reqs.map((r) => r.text).join(',') };
}

/** metav1.FormatLabelSelector: `<none>` when it selects everything/nothing, `<error>` when invalid. */
export function formatLabelSelector(sel: LabelSelector | undefined | null): string {
  const s = labelSelectorString(sel);
  if (!s.ok) return '<error>';
  return s.value === '' ? '<none>' : s.value;
}
