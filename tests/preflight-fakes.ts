/** Stand-ins for the API server and the console, for the tests of the pre-flight scripts. */

/** How the scripts call the Kubernetes API. */
export type Api = (method: string, path: string, body?: object, contentType?: string) => Promise<{ status: number; body: string }>;

export interface Call {
    method: string;
    path: string;
    body?: object;
    contentType?: string;
}

/** A stand-in for the API server: answers from `answer`, records every call. */
export function fakeApi(answer: (call: Call) => { status: number; body: string }): { api: Api; calls: Call[] } {
    const calls: Call[] = [];
    return {
        calls,
        api: (method, path, body, contentType) => {
            const call = { method, path, ...(body === undefined ? {} : { body }), ...(contentType === undefined ? {} : { contentType }) };
            calls.push(call);
            return Promise.resolve(answer(call));
        },
    };
}

/** Silences the script's console while `work` runs; returns what it printed. */
export async function quietly<T>(work: () => Promise<T>): Promise<{ value: T; out: string[]; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    const { log, error } = console;
    console.log = (text: string) => out.push(text);
    console.error = (text: string) => err.push(text);
    try {
        return { value: await work(), out, err };
    } finally {
        console.log = log;
        console.error = error;
    }
}

