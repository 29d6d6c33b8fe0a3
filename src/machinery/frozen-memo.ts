// Facts derived from frozen API objects, worked out once per object. The
// watch cache hands every informer the same deeply frozen objects, which
// never change, so what a controller reads off one on each sync (a pod's
// readiness, an object's controller) can be kept with it; an object that
// is not frozen may still change and is read afresh every time.

export function frozenMemo<K extends object, V>(compute: (obj: K) => V): (obj: K) => V {
  const memo = new WeakMap<K, V>();
  return (obj) => {
    if (!Object.isFrozen(obj)) return compute(obj);
    let v = memo.get(obj);
    if (v === undefined && !memo.has(obj)) memo.set(obj, (v = compute(obj)));
    return v as V;
  };
}
