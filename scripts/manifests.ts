// Moved to tools/common/manifests.ts. Kept only for test/e2e/dist.ts, which imports this path
// and its old `object: any` type; delete this file once that import names tools/common/manifests.
import { loadObjects as load } from '../tools/common/manifests';

export { manifestFiles } from '../tools/common/manifests';
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the old type, see above.
export const loadObjects = (files: readonly string[]): { file: string; object: any }[] => load(files);
