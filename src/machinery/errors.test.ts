// Status errors as Kubernetes words them: Invalid causes carry the field
// beside the message body (errors.NewInvalid uses ErrorBody), and the
// "Too large resource version" timeout carries the cause client-go looks for.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { invalidValue, required } from '../api/field-errors.js';
import { invalid, tooLargeResourceVersion } from './errors.js';

describe('errors', () => {
  it('Invalid causes do not repeat the field name in their message', () => {
    const err = invalid('Service', { resource: 'services', group: '', name: 'web' }, [invalidValue('spec.ports[0].nodePort', 30001, 'provided port is already allocated'), required('spec.selector')]);
    assert.equal(err.message, 'Service "web" is invalid: [spec.ports[0].nodePort: Invalid value: 30001: provided port is already allocated, spec.selector: Required value]');
    assert.deepEqual(err.details?.causes, [
      { reason: 'FieldValueInvalid', message: 'Invalid value: 30001: provided port is already allocated', field: 'spec.ports[0].nodePort' },
      { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' },
    ]);
  });

  it('Too large resource version is a 504 Timeout with the ResourceVersionTooLarge cause', () => {
    assert.deepEqual(tooLargeResourceVersion(12, 7).toStatus(), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Timeout: Too large resource version: 12, current: 7',
      reason: 'Timeout',
      details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 },
      code: 504,
    });
  });
});
