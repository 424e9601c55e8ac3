/**
 * The one family of option checks. Every check copies nothing and changes nothing: it returns the value to use
 * (the fallback when the option is absent) or throws a `TypeError` that names the option and the fix.
 */
import { optionError } from '../errors';

/** A non-empty string. */
export function requiredString(name: string, value: unknown, what = 'a non-empty string'): string {
  if (typeof value !== 'string' || value === '') throw optionError(name, `is required: ${what}`);
  return value;
}

/** A duration in ms: a finite number within `[min, max]`; `fallback` when absent. */
export function duration(name: string, value: unknown, fallback: number, bounds: { min?: number; max?: number } = {}): number {
  if (value === undefined) return fallback;
  const min = bounds.min ?? 0;
  const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
    throw optionError(name, `must be a number of milliseconds, ${range}`);
  }
  return value;
}

/** A whole number within `[min, max]`; `fallback` when absent. */
export function count(name: string, value: unknown, fallback: number, bounds: { min?: number; max?: number } = {}): number {
  if (value === undefined) return fallback;
  const min = bounds.min ?? 0;
  const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw optionError(name, `must be a whole number ${max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`}`);
  }
  return value;
}

/** A boolean; `fallback` when absent. */
export function flag(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw optionError(name, 'must be true or false');
  return value;
}

/** A function; `fallback` when absent. */
export function callback<F extends (...args: never[]) => unknown>(name: string, value: unknown, fallback: F): F;
export function callback<F extends (...args: never[]) => unknown>(name: string, value: unknown): F | undefined;
export function callback<F extends (...args: never[]) => unknown>(name: string, value: unknown, fallback?: F): F | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== 'function') throw optionError(name, 'must be a function');
  return value as F;
}

/** An options object (absent means `{}`). */
export function optionsObject<T extends object>(name: string, value: T | undefined): T {
  if (value === undefined) return {} as T;
  if (typeof value !== 'object' || value === null) throw optionError(name, 'must be an object');
  return value;
}
