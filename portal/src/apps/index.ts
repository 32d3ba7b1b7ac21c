export type { App } from './App.js';
export { addApp } from './addApp.js';
export { assignApp } from './assignApp.js';
export { findAppByClientId, findAppByName, isAppAssigned, listApps, listAssignees } from './findApp.js';
export { listAppsForUser } from './listAppsForUser.js';
export { validateRedirectUri } from './validateRedirectUri.js';
