// Field paths spelled the way k8s.io/apimachinery's field.Path prints them:
// `spec.containers[0].image`, `data[tls.crt]`. Paths are plain strings; these
// helpers only keep the dots and brackets right (a root path is '').

export function child(path: string, ...names: string[]): string {
  let out = path;
  for (const n of names) out = out ? `${out}.${n}` : n;
  return out;
}

export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}

/** A map key: Kubernetes prints it bare inside brackets (`metadata.labels[app]` is not used; `data[key]` is). */
export function key(path: string, k: string): string {
  return `${path}[${k}]`;
}
