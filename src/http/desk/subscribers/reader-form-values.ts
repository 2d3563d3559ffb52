/** The tags field of the desk's forms: one text input, tags separated by commas. */
export function readTags(field: string): string[] {
  return field
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '');
}

/** A form field as text: absent and file fields read as empty. */
export function textField(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value : '';
}
