import {
  addTool,
  Enums as ToolEnums,
  init as initTools,
  PanTool,
  RectangleROITool,
  ToolGroupManager,
  WindowLevelTool,
  ZoomTool,
  type Types as ToolTypes,
} from '@cornerstonejs/tools';

/** What the primary (left) mouse button does. Middle drag pans and right drag zooms always. */
export const POINTER_MODES = ['box', 'windowLevel', 'pan', 'zoom'] as const;
export type PointerMode = (typeof POINTER_MODES)[number];

export const BOX_TOOL = RectangleROITool.toolName;
const TOOL_GROUP_ID = 'readingroom-tools';
let toolsInitialised = false;

/** Fields the annotation bridge stores on a cornerstone annotation's `data` for display. */
export interface BoxDisplayData {
  label?: string;
  rrAuthorName?: string;
  /** False: draw the box without its label text (too many boxes on the image). */
  rrShowText?: boolean;
}

/**
 * Initialises cornerstone3D tools once per page. Must run before the viewport's element is
 * enabled: the tools attach their mouse listeners when an element becomes enabled.
 */
export function initViewerTools(): void {
  if (toolsInitialised) return;
  initTools();
  for (const tool of [WindowLevelTool, PanTool, ZoomTool, RectangleROITool]) addTool(tool);
  toolsInitialised = true;
}

/**
 * The cornerstone3D tool group of the viewport: window/level, pan, zoom and the rectangle tool
 * (statistics off: a reading workstation labels boxes, it does not measure them, and 500 boxes
 * with statistics would make scrolling slow). Boxes show their label and author, unless the bridge
 * hides the text (`rrShowText`).
 */
export function createToolGroup(renderingEngineId: string, viewportId: string): ToolTypes.IToolGroup {
  ToolGroupManager.destroyToolGroup(TOOL_GROUP_ID);
  const group = ToolGroupManager.createToolGroup(TOOL_GROUP_ID);
  if (!group) throw new Error('could not create the tool group');
  group.addTool(WindowLevelTool.toolName);
  group.addTool(PanTool.toolName);
  group.addTool(ZoomTool.toolName);
  group.addTool(RectangleROITool.toolName, {
    calculateStats: false,
    getTextLines: (data: BoxDisplayData) => (data.rrShowText === false ? [] : [data.label ?? '', data.rrAuthorName ?? ''].filter(Boolean)),
  });
  group.addViewport(viewportId, renderingEngineId);
  group.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Auxiliary }] });
  group.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Secondary }] });
  return group;
}

/** Binds the primary button to `mode`; boxes stay selectable and movable in every mode. */
export function setPointerMode(group: ToolTypes.IToolGroup, mode: PointerMode, canDraw: boolean): void {
  const { Primary, Auxiliary, Secondary } = ToolEnums.MouseBindings;
  const effective: PointerMode = mode === 'box' && !canDraw ? 'windowLevel' : mode;
  const bind = (m: PointerMode, always: number[]) => ({
    bindings: [...always, ...(effective === m ? [Primary] : [])].map((mouseButton) => ({ mouseButton })),
  });
  if (effective === 'windowLevel') group.setToolActive(WindowLevelTool.toolName, bind('windowLevel', []));
  else group.setToolPassive(WindowLevelTool.toolName);
  group.setToolActive(PanTool.toolName, bind('pan', [Auxiliary]));
  group.setToolActive(ZoomTool.toolName, bind('zoom', [Secondary]));
  if (effective === 'box') group.setToolActive(BOX_TOOL, bind('box', []));
  else if (canDraw) group.setToolPassive(BOX_TOOL);
  else group.setToolEnabled(BOX_TOOL);
}
