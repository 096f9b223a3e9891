import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { CpRecConfig } from '../model/config';
import type { CpRec } from '../model/cprec';
import { readItemTable, type ItemTable } from '../model/itemTable';
import {
  decodeModel,
  encodeModel,
  ModelFormatError,
  parseModelJson,
  type EncodeOptions,
  type ModelJson,
  type ModelMeta,
} from '../model/modelFormat';

/**
 * Writes to a temporary name first so a crash never leaves a half-written file behind; a failed
 * write (a full disk, a read-only folder) removes the temporary file and names the path.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  try {
    await writeFile(`${path}.tmp`, data);
    await rename(`${path}.tmp`, path);
  } catch (e) {
    await rm(`${path}.tmp`, { force: true });
    throw new Error(`cannot write ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** Fails at once, naming the folder, when `dir` cannot be created or written (before hours of training). */
export async function checkWritable(dir: string): Promise<void> {
  const probe = join(dir, `.write-check-${process.pid}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, '');
    await rm(probe);
  } catch (e) {
    throw new Error(`cannot write to ${dir}: ${(e as Error).message}`, { cause: e });
  }
}

/** Writes model.json and its weight shards into `dir` (created if missing). */
export async function writeModelFiles(
  dir: string,
  model: CpRec,
  meta: ModelMeta,
  options: EncodeOptions = {},
): Promise<ModelJson> {
  await mkdir(dir, { recursive: true });
  const { modelJson, files } = await encodeModel(model, meta, options);
  for (const [path, bytes] of files) await writeFileAtomic(join(dir, path), bytes);
  // model.json last: a reader never sees a manifest whose shards are not written yet.
  // Compact: every page fetches it, and the item list is most of it.
  await writeFileAtomic(join(dir, 'model.json'), `${JSON.stringify(modelJson)}\n`);
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

/**
 * Reads and verifies a model directory written by writeModelFiles (and its item table, if any).
 * `config` overrides fields of the stored config in the model built (not in `modelJson`).
 */
export async function readModelFiles(
  dir: string,
  { config }: { config?: Partial<CpRecConfig> } = {},
): Promise<{ model: CpRec; modelJson: ModelJson; itemTable?: ItemTable }> {
  const modelJson = await readModelJson(dir);
  const files = new Map<string, Uint8Array>();
  for (const group of modelJson.weightsManifest) {
    for (const p of group.paths) {
      // A weight file lives in the model folder; a path out of it is not read.
      if (basename(p) !== p || p === '..' || p === '.' || p.includes('\\')) {
        throw new ModelFormatError(
          `weight path ${JSON.stringify(p)} in ${dir}/model.json leaves the model folder`,
        );
      }
      files.set(p, new Uint8Array(await readFile(join(dir, p))));
    }
  }
  const model = await decodeModel(
    config ? { ...modelJson, config: { ...modelJson.config, ...config } } : modelJson,
    files,
  );
  const spec = modelJson.itemTable;
  if (!spec) return { model, modelJson };
  const bytes = new Uint8Array(await readFile(join(dir, spec.path)));
  return { model, modelJson, itemTable: await readItemTable(spec, bytes, model.config.numItems) };
}
