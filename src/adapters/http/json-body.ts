import { InvalidInputError } from '../../domain/errors.js';

/**
 * A request body as a JSON object, whatever the Content-Type said. Some server-to-server callers post
 * JSON with no content type, and some post a JSON string that itself holds the object: both work.
 */
export function parseJsonObject(text: string): Record<string, unknown> {
  const trimmed = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (trimmed.trim() === '') throw new InvalidInputError('The request body must be a JSON object; it was empty.');
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
    if (typeof value === 'string') value = JSON.parse(value);
  } catch {
    throw new InvalidInputError('The request body is not valid JSON.');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidInputError('The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

/** 1 MiB: the largest body any route accepts. */
export const BODY_CAP_BYTES = 1024 * 1024;
