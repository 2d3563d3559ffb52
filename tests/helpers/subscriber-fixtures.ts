import { ADMIN, adminApi, type ApiAnswer } from './posts-fixtures.js';

interface Requester {
  request(path: string, init?: RequestInit): Response | Promise<Response>;
}

/** POSTs a CSV body to the import endpoint with the admin key. */
export async function importCsv(app: Requester, csv: string | Uint8Array, query = ''): Promise<ApiAnswer> {
  const res = await app.request(`/api/admin/subscribers/import${query}`, {
    method: 'POST',
    headers: { ...ADMIN, 'content-type': 'text/csv' },
    body: csv,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

/** Adds one active subscriber through the admin API; returns its view. */
export async function addSubscriber(app: Requester, email: string, extra: Record<string, unknown> = {}) {
  const res = await adminApi(app, 'POST', '/api/admin/subscribers', { email, status: 'active', ...extra });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** GETs the export (with the admin key) and returns the raw CSV text. */
export async function exportCsv(app: Requester, query = ''): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await app.request(`/api/admin/subscribers/export${query}`, { headers: ADMIN });
  return { status: res.status, headers: res.headers, text: await res.text() };
}
