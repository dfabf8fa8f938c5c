/** The SDK version sent in `User-Agent: tracium-js/<version>` and `X-Tracium-SDK-Version`. */
export const SDK_VERSION = "0.1.0";
