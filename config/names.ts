/**
 * Kubernetes' name rules (apimachinery's validation), once: every config check of a name, a label or a
 * key asks these. And the namespaces that are not meshstack's to create.
 */

const LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS_LABEL = new RegExp(`^${LABEL}$`);
const DNS_SUBDOMAIN = new RegExp(`^${LABEL}(\\.${LABEL})*$`);
const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** A DNS-1123 label: a namespace, a Service, a subset. At most 63 lowercase letters, digits and "-". */
export function isDnsLabel(value: string): boolean {
    return value.length <= 63 && DNS_LABEL.test(value);
}

/** A DNS-1123 subdomain: a node, a StorageClass, a service account. Labels joined by ".", at most 253. */
export function isDnsSubdomain(value: string): boolean {
    return value.length <= 253 && DNS_SUBDOMAIN.test(value);
}

/** A non-empty label value: at most 63 letters, digits, "-", "_" and ".", starting and ending alphanumeric. */
export function isLabelValue(value: string): boolean {
    return value.length <= 63 && LABEL_VALUE.test(value);
}

/** A qualified name's parts (`[prefix/]name`), as Kubernetes checks them: which part is wrong, if any. */
export function qualifiedNameProblem(value: string): "prefix" | "name" | undefined {
    const slash = value.indexOf("/");
    if (!isLabelValue(value.slice(slash + 1))) {
        return "name";
    }
    if (slash < 0) {
        return undefined;
    }
    const prefix = value.slice(0, slash);
    if (!DNS_SUBDOMAIN.test(prefix)) {
        return "name";
    }
    return prefix.length > 253 ? "prefix" : undefined;
}

/** The namespaces that belong to Kubernetes: meshstack neither creates nor deletes them. */
export const RESERVED_NAMESPACES: readonly string[] = ["default", "kube-system", "kube-public", "kube-node-lease"];
