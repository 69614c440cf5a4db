/**
 * The first Istio objects wait until istiod's webhooks can be called. istiod writes the CA bundle into
 * its webhook configurations after it starts (the charts render none), and its readiness does not wait
 * for that: with `failurePolicy: Fail` rendered, an Istio object or an injected pod created in between
 * is refused (`x509: certificate signed by unknown authority`). The transform below makes Pulumi wait,
 * after it applies the istiod chart's webhook configurations, until each carries its CA bundle
 * (`pulumi.com/waitFor`, read by @pulumi/kubernetes ≥ 4.18 for any kind; the default wait is 10
 * minutes). Whatever `dependsOn` the istiod chart then waits for it too.
 */
import * as pulumi from "@pulumi/pulumi";
import { named } from "./crd-protection";
import { withAnnotations } from "./objects";

/** The types of the webhook configurations a chart renders. */
export const WEBHOOK_CONFIGURATION_TYPES = [
    "kubernetes:admissionregistration.k8s.io/v1:ValidatingWebhookConfiguration",
    "kubernetes:admissionregistration.k8s.io/v1:MutatingWebhookConfiguration",
] as const;

/** The annotation and condition: every webhook's `clientConfig.caBundle` is there. */
export const WAIT_FOR_CA_BUNDLE = { "pulumi.com/waitFor": "jsonpath={.webhooks[*].clientConfig.caBundle}" } as const;

/**
 * A `transforms` entry for the istiod chart: its webhook configurations (`istio-validator-<ns>` and
 * `istio-sidecar-injector`) are ready once istiod has written their CA bundle. Not for the base chart:
 * its `istiod-default-validator` is applied before istiod exists, so waiting there would never end;
 * istiod patches it in the same pass as its own validator.
 */
export function waitForWebhookCaBundles(): (args: pulumi.ResourceTransformArgs) => pulumi.ResourceTransformResult | undefined {
    return named("wait for the webhooks' CA bundle", (args: pulumi.ResourceTransformArgs): pulumi.ResourceTransformResult | undefined => {
        if (!(WEBHOOK_CONFIGURATION_TYPES as readonly string[]).includes(args.type)) {
            return undefined;
        }
        return { props: withAnnotations(args.props, WAIT_FOR_CA_BUNDLE), opts: args.opts };
    });
}
