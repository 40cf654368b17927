// Moved to tools/common/manifests.ts. Kept only for test/e2e/dist.ts, which imports this path;
// delete this file once that import names tools/common/manifests.
export { loadObjects, manifestFiles } from '../tools/common/manifests';
