import type { Deps } from '../deps.js';
import { EDITOR_COLUMNS, toEditor, type Editor } from './editor.js';

export async function listEditors(deps: Pick<Deps, 'db'>): Promise<Editor[]> {
  const rows = await deps.db.selectFrom('editors').select(EDITOR_COLUMNS).orderBy('id').execute();
  return rows.map(toEditor);
}
