import { DebugSession } from '@vscode/debugadapter';
import { SquadDebugSession } from './squadDebugSession';

// Entry of dist/debugAdapter.js: VS Code starts it with its own Node (ELECTRON_RUN_AS_NODE=1) and
// speaks the Debug Adapter Protocol over stdin/stdout.
DebugSession.run(SquadDebugSession);
