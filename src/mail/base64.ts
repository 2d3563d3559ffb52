/** Base64 without Buffer, so the mail core runs unchanged on Workers. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  // fromCharCode takes its arguments on the stack: whole messages go through in slices.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/\s+/g, ''));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
