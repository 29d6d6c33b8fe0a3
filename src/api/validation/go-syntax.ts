// Values printed the way Go's fmt %#v prints them. Kubernetes' field.Invalid
// shows a non-string, non-number bad value with %#v, so a selector that does
// not match reads `map[string]string{"app":"web"}`, not JSON. Only the shapes
// Kubernetes' messages actually show are covered.

import { arr, obj, optNum, str, strMap } from './json-read.js';

/** strconv.Quote for the ASCII cases that matter; JSON escaping agrees with Go there. */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

export function goStringMap(m: unknown): string {
  if (m === undefined || m === null) return 'map[string]string(nil)';
  const sm = strMap(m);
  const keys = Object.keys(sm).sort();
  return `map[string]string{${keys.map((k) => `${goQuote(k)}:${goQuote(sm[k] ?? '')}`).join(', ')}}`;
}

export function goStringSlice(v: unknown): string {
  if (!Array.isArray(v)) return '[]string(nil)';
  return `[]string{${v.map((x) => goQuote(str(x))).join(', ')}}`;
}

/** intstr.IntOrString as %#v: Type 0 = Int, 1 = String. */
export function goIntOrString(v: unknown): string {
  if (typeof v === 'string') return `intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(v)}}`;
  return `intstr.IntOrString{Type:0, IntVal:${optNum(v) ?? 0}, StrVal:""}`;
}

/** metav1.LabelSelector (package v1) as %#v. */
export function goLabelSelector(v: unknown): string {
  const sel = obj(v) ?? {};
  const reqs = sel.matchExpressions;
  const exprs = Array.isArray(reqs)
    ? `[]v1.LabelSelectorRequirement{${reqs
        .map((r) => {
          const o = obj(r) ?? {};
          return `v1.LabelSelectorRequirement{Key:${goQuote(str(o.key))}, Operator:${goQuote(str(o.operator))}, Values:${goStringSlice(o.values)}}`;
        })
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${goStringMap(sel.matchLabels)}, MatchExpressions:${exprs}}`;
}

/** A Go pointer field inside a %#v struct: nil, or an address we cannot know (so a fixed stand-in). */
export function goPointer(type: string, present: boolean): string {
  return present ? `(*${type})(0xc000000000)` : `(*${type})(nil)`;
}

/** A generic JSON object rendered as a Go-ish struct literal, for values Kubernetes prints as internal structs. */
export function goStruct(typeName: string, v: unknown): string {
  const o = obj(v) ?? {};
  const fields = Object.keys(o).map((k) => `${k.charAt(0).toUpperCase()}${k.slice(1)}:${goAny(o[k])}`);
  return `${typeName}{${fields.join(', ')}}`;
}

function goAny(v: unknown): string {
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[]interface {}{${arr(v).map(goAny).join(', ')}}`;
  if (v && typeof v === 'object') return goStruct('struct', v);
  return 'nil';
}
