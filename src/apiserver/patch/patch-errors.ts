// How a patch that cannot be applied becomes an ApiError, with the codes and
// wording kube-apiserver uses (k8s.io/apiserver .../endpoints/handlers/patch.go):
//  - a body that does not decode, or a strategic merge patch in a format the
//    merge code rejects, is 400 BadRequest with the decoder's message;
//  - a JSON patch that decodes but does not apply (failed `test`, missing path,
//    unknown op) and SMP "lists of lists" are 422 Invalid with the generic text
//    of apierrors.NewGenericServerResponse. Kubernetes does not send the detail;
//    we keep it as the error's `cause` so logs still say what went wrong;
//  - an unknown Content-Type is 415 with negotiation.NewUnsupportedMediaTypeError's text.

import { ApiError, badRequest, unsupportedMediaType } from '../../machinery/errors.js';

/** 400: the patch body is malformed. */
export function malformedPatch(message: string): ApiError {
  return badRequest(message);
}

/** 422: the patch is well-formed but cannot be applied to this object. */
export function patchNotApplicable(detail: string): ApiError {
  const err = new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request');
  err.cause = detail;
  return err;
}

/** 415 for a Content-Type outside `accepted`; `hint` is appended for types we know but do not implement. */
export function unsupportedPatchType(accepted: readonly string[], hint?: string): ApiError {
  const base = `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`;
  return unsupportedMediaType(hint ? `${base}; ${hint}` : base);
}
