// The image tag as Kubernetes' parsers.ParseImageName sees it, for the
// imagePullPolicy default: no tag and no digest means "latest"; a reference
// that does not parse has no tag at all.

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

export function imageTag(image: string): string {
  if (!image) return '';
  const at = image.indexOf('@');
  const named = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) : '';
  if (digest && !DIGEST.test(digest)) return '';
  let repo = named;
  let tag = '';
  const colon = named.lastIndexOf(':');
  if (colon > named.lastIndexOf('/')) {
    repo = named.slice(0, colon);
    tag = named.slice(colon + 1);
    if (!TAG.test(tag)) return '';
  }
  const parts = repo.split('/');
  const first = parts[0] ?? '';
  const hasDomain = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase());
  if (hasDomain && !DOMAIN.test(first)) return '';
  const path = hasDomain ? parts.slice(1) : parts;
  if (path.length === 0 || !path.every((p) => PATH_COMPONENT.test(p))) return '';
  if (repo.length > 255) return '';
  return tag || digest ? tag : 'latest';
}
