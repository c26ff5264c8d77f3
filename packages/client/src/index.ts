/** The typed client: each example operation's result and variables types and its typed document. */
export * from './generated.ts';
