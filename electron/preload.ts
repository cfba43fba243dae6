// Preload (sandboxed): exposes the typed contract as window.scanpay and nothing else.
import { contextBridge, ipcRenderer } from 'electron';
import { PRELOAD_GLOBAL } from '../core/common/contract/api-contract.ts';
import { createPreloadApi } from './preload-api.ts';

contextBridge.exposeInMainWorld(PRELOAD_GLOBAL, createPreloadApi(ipcRenderer));
