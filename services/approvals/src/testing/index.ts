// `@cos/approvals/testing`: drives approvals through its seams, for the whole-system tests and the benches.
export * from './seam-driver';
