import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CpRec } from '../model/cprec';
import { decodeModel, encodeModel, parseModelJson, type ModelJson } from '../model/modelFormat';

/** Writes to a temporary name first so a crash never leaves a half-written file behind. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await writeFile(`${path}.tmp`, data);
  await rename(`${path}.tmp`, path);
}

/** Writes model.json and its weight shards into `dir` (created if missing). */
export async function writeModelFiles(
  dir: string,
  model: CpRec,
  meta: { name: string; items: string[]; training: Record<string, unknown> },
): Promise<ModelJson> {
  await mkdir(dir, { recursive: true });
  const { modelJson, files } = await encodeModel(model, meta);
  for (const [path, bytes] of files) await writeFileAtomic(join(dir, path), bytes);
  // model.json last: a reader never sees a manifest whose shards are not written yet.
  await writeFileAtomic(join(dir, 'model.json'), `${JSON.stringify(modelJson, null, 1)}\n`);
  return modelJson;
}

/** Reads and checks a model directory's model.json (not its weights). */
export async function readModelJson(dir: string): Promise<ModelJson> {
  const path = join(dir, 'model.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  return parseModelJson(JSON.parse(text));
}

/** Reads and verifies a model directory written by writeModelFiles. */
export async function readModelFiles(dir: string): Promise<{ model: CpRec; modelJson: ModelJson }> {
  const modelJson = await readModelJson(dir);
  const files = new Map<string, Uint8Array>();
  for (const group of modelJson.weightsManifest) {
    for (const p of group.paths) files.set(p, new Uint8Array(await readFile(join(dir, p))));
  }
  return { model: await decodeModel(modelJson, files), modelJson };
}
