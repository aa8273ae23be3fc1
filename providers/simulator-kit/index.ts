// What every provider simulator offers tests, the sandbox (`npm start`) and the reliability suite.
// Imported as '…/simulator-kit' from many places, so this file re-exports the whole kit.
export * from './control';
export * from './faults';
export * from './listen';
export * from './timers';
