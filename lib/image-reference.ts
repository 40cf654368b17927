// How the kubelet parses a container image before it pulls one: ParseNormalizedNamed of
// github.com/distribution/reference v0.6.0 (the version Kubernetes 1.34 builds with, called by
// its pkg/util/parsers.ParseImageName), which checks a digest with
// github.com/opencontainers/go-digest v1.0.0. The API server only asks for a non-empty image
// without outer whitespace; an image the kubelet cannot parse passes it and leaves the pod
// waiting in InvalidImageName. This is a copy, in the packages' own order and words:
// test/kubelet/image-reference.test.ts compares its every verdict with the Go packages'.
import type { PropRule } from './props';

const ALPHANUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const DOMAIN_NAME_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_NAME_COMPONENT}(?:\\.${DOMAIN_NAME_COMPONENT})*`;
const DOMAIN_AND_PORT = `(?:${DOMAIN_NAME}|\\[(?:[a-fA-F0-9:]+)\\])(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}';
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const REFERENCE = new RegExp(`^((?:${DOMAIN_AND_PORT}/)?${REMOTE_NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const ANCHORED_NAME = new RegExp(`^(?:(${DOMAIN_AND_PORT})/)?(${REMOTE_NAME})$`);
const ANCHORED_IDENTIFIER = /^[a-f0-9]{64}$/;
const REPOSITORY_NAME_TOTAL_LENGTH_MAX = 255;
const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
// go-digest: the algorithms it knows, each with the length of its lowercase hex encoding.
const DIGEST_HEX_LENGTHS: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };
const ANCHORED_DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** An image reference as the kubelet reads it: the repository, and the tag and digest if given. */
export interface ImageReference {
  /** The repository, with its registry host: `docker.io/library/nginx` for `nginx`. */
  readonly name: string;
  /** The tag, if the reference has one. */
  readonly tag?: string;
  /** The digest (`sha256:...`), if the reference has one. */
  readonly digest?: string;
}

/**
 * Parses `image` as the kubelet does; a reference it refuses gives the error it reports.
 * (distribution/reference's ParseNormalizedNamed.)
 */
export function parseImageReference(image: string): ImageReference | { readonly error: string } {
  if (ANCHORED_IDENTIFIER.test(image)) {
    return { error: `invalid repository name (${image}), cannot specify 64-byte hexadecimal strings` };
  }
  const [domain, remainder] = splitDockerDomain(image);
  const tagSeparator = remainder.indexOf(':');
  const remote = tagSeparator > -1 ? remainder.slice(0, tagSeparator) : remainder;
  if (remote.toLowerCase() !== remote) {
    return { error: `invalid reference format: repository name (${remote}) must be lowercase` };
  }
  return parseReference(`${domain}/${remainder}`);
}

/** The registry host of a reference and the rest, Docker Hub's being implied (splitDockerDomain). */
function splitDockerDomain(name: string): [string, string] {
  const slash = name.indexOf('/');
  if (slash === -1) {
    return [DEFAULT_DOMAIN, OFFICIAL_REPO_PREFIX + name];
  }
  const maybeDomain = name.slice(0, slash);
  const maybeRemoteName = name.slice(slash + 1);
  let [domain, remoteName] = [DEFAULT_DOMAIN, name];
  if (maybeDomain === LEGACY_DEFAULT_DOMAIN) {
    remoteName = maybeRemoteName;
  } else if (maybeDomain === 'localhost' || /[.:]/.test(maybeDomain) || maybeDomain.toLowerCase() !== maybeDomain) {
    [domain, remoteName] = [maybeDomain, maybeRemoteName];
  }
  if (domain === DEFAULT_DOMAIN && !remoteName.includes('/')) {
    remoteName = OFFICIAL_REPO_PREFIX + remoteName;
  }
  return [domain, remoteName];
}

/** A full reference, `host/path[:tag][@digest]` (distribution/reference's Parse). */
function parseReference(reference: string): ImageReference | { readonly error: string } {
  const matches = REFERENCE.exec(reference);
  if (matches === null) {
    if (reference === '') {
      return { error: 'repository name must have at least one component' };
    }
    if (REFERENCE.test(reference.toLowerCase())) {
      return { error: 'repository name must be lowercase' };
    }
    return { error: 'invalid reference format' };
  }
  const [, name = '', tag, digest] = matches;
  const [, , path = name] = ANCHORED_NAME.exec(name) ?? [];
  if (path.length > REPOSITORY_NAME_TOTAL_LENGTH_MAX) {
    return { error: `repository name must not be more than ${REPOSITORY_NAME_TOTAL_LENGTH_MAX} characters` };
  }
  const digestError = digest === undefined ? undefined : validateDigest(digest);
  if (digestError !== undefined) {
    return { error: digestError };
  }
  return { name, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
}

/** Why go-digest refuses `digest` (`algorithm:hex`), or undefined if it accepts it (Digest.Validate). */
function validateDigest(digest: string): string | undefined {
  const separator = digest.indexOf(':');
  if (separator <= 0 || separator + 1 === digest.length) {
    return 'invalid checksum digest format';
  }
  const algorithm = digest.slice(0, separator);
  const encoded = digest.slice(separator + 1);
  if (!Object.hasOwn(DIGEST_HEX_LENGTHS, algorithm)) {
    return ANCHORED_DIGEST.test(digest) ? 'unsupported digest algorithm' : 'invalid checksum digest format';
  }
  if (encoded.length !== DIGEST_HEX_LENGTHS[algorithm]) {
    return 'invalid checksum digest length';
  }
  return /^[a-f0-9]+$/.test(encoded) ? undefined : 'invalid checksum digest format';
}

/** A container image reference, as the kubelet parses it before pulling. */
export const IMAGE_RULE: PropRule = {
  type: 'string',
  allowed:
    "an image reference such as 'nginx:1.14.2' or 'registry.example.com:5000/team/app:1.0': an optional " +
    "registry host and '/', a repository path of lowercase letters, digits and '.', '_', '-' or '/' " +
    "separators, then an optional ':tag' and an optional '@sha256:' digest of 64 lowercase hex digits " +
    '(sha384: 96, sha512: 128), without whitespace',
  test: (value: string) => !('error' in parseImageReference(value)),
  hint: (value: string) => {
    const parsed = parseImageReference(value);
    return `the kubelet would refuse it: ${'error' in parsed ? parsed.error : ''}`;
  },
};
