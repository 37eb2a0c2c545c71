export * from './event';
export * from './match';
export * from './wire';
export * from './errors';
export * from './kinds';
export * from './limits';
export * from './actions';
export * from './person-state';
