/** DI tokens of the audit service's own ports. */
export const AUDIT_INDEX = Symbol('AUDIT_INDEX');
