/** The SPA's calls to its render server, by area; the types come from the API's OpenAPI document. */

export * from "./account";
export * from "./auth";
export {
  ApiError,
  asApiError,
  isAbortError,
  OFFLINE_MESSAGE,
  onSessionEnded,
  onStepUp,
  STEP_UP_ERROR,
  UNAVAILABLE_MESSAGE,
  type FieldError,
} from "./http";
export * from "./movies";
export * from "./security";
export * from "./watching";
