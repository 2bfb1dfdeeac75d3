// What a call throws, for tests that assert the error's fields.
import { ValidationError } from '../../src/index.js';

/** The error `f` throws; fails the test when it throws nothing. */
export function thrownError(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

/** The ValidationError `f` throws; rethrows any other error and fails when nothing is thrown. */
export function thrown(f: () => unknown): ValidationError {
  const e = thrownError(f);
  if (e instanceof ValidationError) return e;
  throw e;
}
