/**
 * Renders the ForgeDoc tree `@forge/react` reconciles into Atlaskit components. DynamicTable is rebuilt
 * from its Row/Cell/ContentWrapper children into Atlaskit's `head`/`rows` props, as Jira's renderer does.
 */
import React from 'react';
import { COMPONENTS, DynamicTable } from './components';

export interface ForgeDoc {
  type: string;
  props: Record<string, unknown>;
  children: ForgeDoc[];
  key?: string;
}

function renderChildren(doc: ForgeDoc): React.ReactNode[] {
  return doc.children.map((c, i) => renderDoc(c, c.key ?? String(i)));
}

function tableSection(doc: ForgeDoc, name: 'head' | 'rows'): ForgeDoc[] {
  const wrapper = doc.children.find((c) => c.type === 'ContentWrapper' && c.props.name === name);
  return wrapper?.children ?? [];
}

function cellsOf(row: ForgeDoc) {
  return row.children
    .filter((c) => c.type === 'Cell')
    .map((cell, i) => {
      const { cellKey, ...rest } = cell.props;
      return { key: (cellKey as string) ?? String(i), ...rest, content: <>{renderChildren(cell)}</> };
    });
}

function renderTable(doc: ForgeDoc, key: string): React.ReactElement {
  const head = tableSection(doc, 'head');
  const rows = tableSection(doc, 'rows')
    .filter((r) => r.type === 'Row')
    .map((row, i) => ({ key: (row.props.rowKey as string) ?? String(i), cells: cellsOf(row) }));
  const {
    caption,
    emptyView,
    isLoading,
    rowsPerPage,
    testId,
    label,
    isFixedSize,
    defaultSortKey,
    defaultSortOrder,
    sortKey,
    sortOrder,
    defaultPage,
    page,
    highlightedRowIndex,
  } = doc.props as Record<string, never>;
  return (
    <DynamicTable
      key={key}
      caption={caption}
      head={
        head.length > 0
          ? {
              cells: head
                .filter((c) => c.type === 'Cell')
                .map((cell, i) => {
                  // UI Kit's head cells: key, content, isSortable, width, shouldTruncate (Atlaskit HeadCellType).
                  const p = cell.props;
                  return {
                    key: (p.cellKey as string | undefined) ?? String(i),
                    isSortable: p.isSortable as boolean | undefined,
                    width: p.width as number | undefined,
                    shouldTruncate: p.shouldTruncate as boolean | undefined,
                    content: <>{renderChildren(cell)}</>,
                  };
                }),
            }
          : undefined
      }
      rows={rows}
      isLoading={isLoading}
      rowsPerPage={rowsPerPage}
      label={label}
      isFixedSize={isFixedSize}
      defaultSortKey={defaultSortKey}
      defaultSortOrder={defaultSortOrder}
      sortKey={sortKey}
      sortOrder={sortOrder}
      defaultPage={defaultPage}
      page={page}
      highlightedRowIndex={highlightedRowIndex}
      emptyView={emptyView}
      testId={testId}
    />
  );
}

export function renderDoc(doc: ForgeDoc, key = 'root'): React.ReactNode {
  if (doc.type === 'String') return String(doc.props.text ?? '');
  if (doc.type === 'Root' || doc.type === 'ContentWrapper')
    return <React.Fragment key={key}>{renderChildren(doc)}</React.Fragment>;
  if (doc.type === 'DynamicTable') return renderTable(doc, key);
  const Component = COMPONENTS[doc.type];
  if (!Component) {
    return (
      <span key={key} data-unsupported={doc.type} style={{ border: '1px dashed #c9372c', padding: 2 }}>
        Unsupported UI Kit component: {doc.type}
      </span>
    );
  }
  return (
    <Component key={key} {...doc.props}>
      {doc.children.length > 0 ? renderChildren(doc) : undefined}
    </Component>
  );
}
