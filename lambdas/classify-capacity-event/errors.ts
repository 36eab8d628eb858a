/**
 * ClassifyCapacityEvent raises no errors of its own: a malformed or unknown event is classified
 * IGNORE (never thrown back for endless retries). AWS errors of the membership lookup propagate so the
 * CapacityMonitor's Retry can back off.
 */
export {};
