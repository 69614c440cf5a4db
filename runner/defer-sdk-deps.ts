/**
 * Loaded by mocha before any test (`.mocharc.js`). Pulumi records a stack trace for every promise and
 * resource it creates; formatting deep traces is a third of a program run under mocks. Tests keep the
 * innermost frame (the failing assertion's line); raise the limit here to debug a deep failure.
 */
Error.stackTraceLimit = 1;

/**
 * Also defers two heavy modules that `@pulumi/pulumi` loads
 * eagerly but uses only to serialize functions (closures), which meshstack never does: the TypeScript
 * compiler (~340 ms to load) and `@npmcli/arborist` (~220 ms). Each is replaced by a proxy that loads
 * the real module on its first use, so behaviour is unchanged; only the suite starts faster.
 */
import * as path from "path";

interface ModuleLoader {
    _load(request: string, parent: { filename: string } | null | undefined, isMain: boolean): unknown;
}

const SDK_FOLDER = `${path.sep}node_modules${path.sep}@pulumi${path.sep}pulumi${path.sep}`;

/**
 * The deferred modules, with what `__esModule` answers before loading: `@pulumi/pulumi` reads it
 * through `__importStar`, which would otherwise copy (and so load) the whole module at once.
 */
const DEFERRED: ReadonlyMap<string, boolean | undefined> = new Map([
    ["typescript", undefined],
    ["@npmcli/arborist", true],
]);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const loader = require("module") as ModuleLoader;
const load = loader._load.bind(loader);

loader._load = (request, parent, isMain) => {
    if (!DEFERRED.has(request) || parent === null || parent === undefined || !parent.filename.includes(SDK_FOLDER)) {
        return load(request, parent, isMain);
    }
    let real: object | undefined;
    const target = (): object => (real ??= load(request, parent, isMain) as object);
    return new Proxy(
        {},
        {
            get: (_, key) => (key === "__esModule" && real === undefined ? DEFERRED.get(request) : Reflect.get(target(), key)),
            has: (_, key) => Reflect.has(target(), key),
            ownKeys: () => Reflect.ownKeys(target()),
            getOwnPropertyDescriptor: (_, key) => {
                const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
                return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
            },
        },
    );
};

/**
 * Pulumi tags every promise of the engine's with a stack trace, to name leaked promises at exit; that
 * capture is a sixth of a program run. Under the mocks, runs end with `disconnect()` and leaks are not
 * reported, so the tests skip it (the SDK reads the function from the module at each call).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: <T>(promise: Promise<T>, context: unknown) => Promise<T> };
debuggable.debuggablePromise = <T>(promise: Promise<T>): Promise<T> => promise;
