// Prop checks shared by the constructs. Each throws at construction time, before anything is
// synthesized, with a message naming the prop, the value received and what is allowed.

/** The longest object name Kubernetes accepts where a DNS label is required (RFC 1123). */
const MAX_DNS_LABEL_LENGTH = 63;

// DNS-1035 label: Service names must also start with a letter, so every name here does.
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Checks `name`, from which object names are derived by appending suffixes.
 * The longest suffix decides how long `name` may be.
 */
export function validateName(construct: string, name: string, suffixes: readonly string[]): void {
  const longest = suffixes.reduce((a, b) => (b.length > a.length ? b : a), '');
  const maxLength = MAX_DNS_LABEL_LENGTH - longest.length;
  if (!DNS_1035_LABEL.test(name) || name.length > maxLength) {
    throw new Error(
      `${construct}: name must be a DNS-1035 label of 1-${maxLength} characters ` +
        `(lowercase letters, digits and '-', starting with a letter, ending with a letter or digit) ` +
        `so that "${name}${longest}" is a valid object name (got ${JSON.stringify(name)})`,
    );
  }
}

/** Checks a TCP port: containerPort, servicePort. */
export function validatePort(construct: string, prop: string, value: number): void {
  validateIntegerRange(construct, prop, value, 1, 65535, 'use a TCP port number');
}

/** Checks a Service nodePort against Kubernetes' default --service-node-port-range. */
export function validateNodePort(construct: string, value: number): void {
  validateIntegerRange(
    construct,
    'nodePort',
    value,
    30000,
    32767,
    "pick a port in the API server's default --service-node-port-range",
  );
}

/** Checks a Deployment replica count. */
export function validateReplicas(construct: string, value: number): void {
  validateIntegerRange(construct, 'replicas', value, 0, Number.MAX_SAFE_INTEGER, 'use a whole number');
}

/** Checks a container image reference: the kubelet cannot pull an empty or spaced name. */
export function validateImage(construct: string, image: string): void {
  if (image.length === 0 || /\s/.test(image)) {
    throw new Error(
      `${construct}: image must be a non-empty image reference without whitespace, ` +
        `such as "nginx:1.14.2" (got ${JSON.stringify(image)})`,
    );
  }
}

function validateIntegerRange(
  construct: string,
  prop: string,
  value: number,
  min: number,
  max: number,
  hint: string,
): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    const allowed = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in ${min}-${max}`;
    throw new Error(`${construct}: ${prop} must be an integer ${allowed} (got ${value}); ${hint}`);
  }
}
