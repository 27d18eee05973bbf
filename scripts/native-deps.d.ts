/** Types of native-deps.js, which stays plain JavaScript so it runs before tsx is registered. */
export declare const NATIVE: Record<string, string[]>;
export declare function missingNativeModules(): string[];
export declare function ensureNativeModules(): void;
