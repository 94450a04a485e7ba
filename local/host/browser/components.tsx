/**
 * The UI Kit → Atlaskit mapping the browser host renders ForgeDoc with: each UI Kit component type maps
 * to the Atlaskit component Jira uses for it. Grow this table as the app's UI grows; an unknown type
 * renders a visible placeholder rather than disappearing.
 */
import React from 'react';
import Avatar from '@atlaskit/avatar';
import Badge from '@atlaskit/badge';
import Button from '@atlaskit/button/new';
import Checkbox from '@atlaskit/checkbox';
import { DatePicker } from '@atlaskit/datetime-picker';
import DynamicTable from '@atlaskit/dynamic-table';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle, ModalTransition } from '@atlaskit/modal-dialog';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import ProgressBar from '@atlaskit/progress-bar';
import SectionMessage from '@atlaskit/section-message';
import Select, { AsyncSelect } from '@atlaskit/select';
import Spinner from '@atlaskit/spinner';
import Tabs, { Tab, TabList, TabPanel } from '@atlaskit/tabs';
import TextArea from '@atlaskit/textarea';
import Textfield from '@atlaskit/textfield';

export type Props = Record<string, unknown> & { children?: React.ReactNode };
type Renderer = (props: Props) => React.ReactElement | null;

/** UI Kit input handlers receive `{ target: { value } }`-shaped events. */
const valueEvent = (fn: unknown) => (e: { target: { value: string } }) =>
  (fn as (ev: unknown) => void)?.({ target: { value: e.target.value } });

const HEADING_SIZES: Record<string, 'xxlarge' | 'xlarge' | 'large' | 'medium' | 'small' | 'xsmall' | 'xxsmall'> = {
  xxlarge: 'xxlarge',
  xlarge: 'xlarge',
  large: 'large',
  medium: 'medium',
  small: 'small',
  xsmall: 'xsmall',
  xxsmall: 'xxsmall',
};

interface HostUserView {
  id: string;
  name: string;
  email: string;
  avatarUrl: string;
  type: string;
}

/** Jira's `User`: the product looks the account up and shows its avatar and name. */
function HostUser({ accountId, hideName }: { accountId: string; hideName: boolean }) {
  const [user, setUser] = React.useState<HostUserView | null | undefined>();
  React.useEffect(() => {
    let live = true;
    void fetch(`/host/users?accountId=${encodeURIComponent(accountId)}`)
      .then((r) => r.json() as Promise<HostUserView[]>)
      .then((list) => live && setUser(list[0] ?? null));
    return () => {
      live = false;
    };
  }, [accountId]);
  const name = user === undefined ? '…' : (user?.name ?? 'Former user');
  return (
    <span data-account-id={accountId} style={{ display: 'inline-flex', alignItems: 'center', gap: 6 }}>
      <Avatar name={name} size="xsmall" />
      {hideName ? null : <span>{name}</span>}
    </span>
  );
}

/** Jira's `UserPicker`: its own label, a search over the site's people, `onChange` with the chosen user. */
function HostUserPicker(props: {
  label: string;
  name: string;
  placeholder?: string;
  isRequired?: boolean;
  description?: string;
  defaultValue?: string;
  onChange?: (u: unknown) => void;
}) {
  const inputId = `user-picker-${props.name}`;
  type Option = { label: string; value: string; user: HostUserView };
  // `defaultValue` (an account ID) shows that person as chosen, as Jira's picker does; onChange is not called.
  const [initial, setInitial] = React.useState<Option | undefined>();
  React.useEffect(() => {
    if (!props.defaultValue) return;
    let live = true;
    void fetch(`/host/users?accountId=${encodeURIComponent(props.defaultValue)}`)
      .then((r) => r.json() as Promise<HostUserView[]>)
      .then((list) => {
        const u = list[0];
        if (live && u) setInitial({ label: u.name, value: u.id, user: u });
      });
    return () => {
      live = false;
    };
  }, [props.defaultValue]);
  const load = async (query: string) => {
    const res = await fetch(`/host/users?query=${encodeURIComponent(query)}`);
    return ((await res.json()) as HostUserView[]).map((u) => ({ label: u.name, value: u.id, user: u }));
  };
  return (
    <div style={{ minWidth: 260 }}>
      <label htmlFor={inputId} style={{ fontSize: 12, fontWeight: 600, color: '#626f86', display: 'block' }}>
        {props.label}
        {props.isRequired ? <span aria-hidden> *</span> : null}
      </label>
      <AsyncSelect
        inputId={inputId}
        testId={`user-picker-${props.name}`}
        loadOptions={load}
        key={initial?.value ?? 'none'}
        defaultValue={initial}
        cacheOptions
        isClearable
        placeholder={props.placeholder ?? 'Search for a person'}
        onChange={(o) => props.onChange?.((o as { user?: HostUserView } | null)?.user ?? null)}
      />
      {props.description ? <div style={{ fontSize: 12, color: '#626f86' }}>{props.description}</div> : null}
    </div>
  );
}

export const COMPONENTS: Record<string, Renderer> = {
  Text: ({ children, testId }) => (
    <Text as="p" testId={testId as string}>
      {children}
    </Text>
  ),
  Heading: ({ children, size, as }) => (
    <Heading size={HEADING_SIZES[String(size)] ?? 'medium'} as={(as as 'h2') ?? undefined}>
      {children}
    </Heading>
  ),
  Box: ({ children, padding, paddingBlock, paddingBlockStart, paddingBlockEnd, testId, backgroundColor, xcss }) => (
    <Box
      padding={padding as 'space.100'}
      paddingBlock={paddingBlock as 'space.100'}
      paddingBlockStart={paddingBlockStart as 'space.100'}
      paddingBlockEnd={paddingBlockEnd as 'space.100'}
      backgroundColor={backgroundColor as 'elevation.surface'}
      testId={testId as string}
    >
      {/* UI Kit's xcss() is the style object itself; the raw-CSS subset the app uses applies as is. */}
      {xcss ? <div style={xcss as React.CSSProperties}>{children}</div> : children}
    </Box>
  ),
  Stack: ({ children, space, alignInline, testId }) => (
    <Stack space={space as 'space.100'} alignInline={alignInline as 'start'} testId={testId as string}>
      {children}
    </Stack>
  ),
  Inline: ({ children, space, alignBlock, spread, shouldWrap }) => (
    <Inline
      space={space as 'space.100'}
      alignBlock={alignBlock as 'center'}
      spread={spread as 'space-between'}
      shouldWrap={shouldWrap as boolean}
    >
      {children}
    </Inline>
  ),
  Lozenge: ({ children, appearance, isBold }) => (
    <Lozenge appearance={appearance as 'default'} isBold={isBold as boolean}>
      {children}
    </Lozenge>
  ),
  Badge: ({ children, appearance }) => <Badge appearance={appearance as 'default'}>{children as number}</Badge>,
  SectionMessage: ({ children, appearance, title }) => (
    <SectionMessage appearance={(appearance as 'information') ?? 'information'} title={title as string}>
      {children}
    </SectionMessage>
  ),
  Spinner: ({ label, size }) => <Spinner label={label as string} size={(size as 'medium') ?? 'medium'} />,
  // autoFocus: UI Kit's only focus control (Button, Textfield, Select take it on mount, as Atlaskit's do).
  Button: ({ children, onClick, appearance, isDisabled, testId, type, autoFocus }) => (
    <Button
      autoFocus={autoFocus as boolean}
      appearance={(appearance as 'default') ?? 'default'}
      isDisabled={isDisabled as boolean}
      testId={testId as string}
      type={(type as 'button') ?? 'button'}
      onClick={() => (onClick as () => void)?.()}
    >
      {children}
    </Button>
  ),
  Textfield: ({ value, onChange, placeholder, id, testId, isDisabled, name, isReadOnly, isMonospaced, autoFocus }) => (
    <Textfield
      autoFocus={autoFocus as boolean}
      id={id as string}
      isReadOnly={isReadOnly as boolean}
      isMonospaced={isMonospaced as boolean}
      value={value as string}
      onChange={valueEvent(onChange) as never}
      placeholder={placeholder as string}
      testId={testId as string}
      isDisabled={isDisabled as boolean}
      name={name as string}
    />
  ),
  Label: ({ children, labelFor, testId }) => (
    <label
      htmlFor={labelFor as string}
      data-testid={testId as string}
      style={{ fontSize: 12, fontWeight: 600, color: '#626f86' }}
    >
      {children}
    </label>
  ),
  Image: ({ src, alt, size }) => {
    const px =
      ({ xsmall: 24, small: 48, medium: 96, large: 192, xlarge: 384 } as Record<string, number>)[String(size)] ?? 24;
    return (
      <img src={src as string} alt={(alt as string) ?? ''} width={px} height={px} style={{ borderRadius: '50%' }} />
    );
  },
  /** UI Kit's inline `Code` (Atlaskit's code styling: monospace on a neutral background). */
  Code: ({ children, testId }) => (
    <code
      data-testid={testId as string}
      style={{ fontFamily: 'monospace', fontSize: 12, background: '#f1f2f4', padding: '1px 4px', borderRadius: 3 }}
    >
      {children}
    </code>
  ),
  CodeBlock: ({ text, testId }) => (
    <pre
      data-testid={(testId as string) ?? 'code-block'}
      style={{ background: '#f7f8f9', padding: 8, overflow: 'auto', maxHeight: 320, fontSize: 12 }}
    >
      {text as string}
    </pre>
  ),
  TextArea: ({
    value,
    onChange,
    placeholder,
    testId,
    id,
    isReadOnly,
    isMonospaced,
    maxHeight,
    minimumRows,
    resize,
  }) => (
    <TextArea
      id={id as string}
      value={value as string}
      onChange={valueEvent(onChange) as never}
      placeholder={placeholder as string}
      testId={testId as string}
      isReadOnly={isReadOnly as boolean}
      isMonospaced={isMonospaced as boolean}
      maxHeight={maxHeight as string}
      minimumRows={minimumRows as number}
      resize={resize as 'vertical'}
    />
  ),
  Checkbox: ({ isChecked, onChange, label, testId }) => (
    <Checkbox
      isChecked={isChecked as boolean}
      label={label as string}
      testId={testId as string}
      onChange={(e) => (onChange as (ev: unknown) => void)?.({ target: { checked: e.target.checked } })}
    />
  ),
  Select: ({
    options,
    value,
    onChange,
    onInputChange,
    placeholder,
    isMulti,
    isClearable,
    testId,
    inputId,
    autoFocus,
  }) => (
    <div style={{ minWidth: 220 }}>
      <Select
        autoFocus={autoFocus as boolean}
        inputId={(inputId as string) ?? (testId ? `${testId as string}-input` : undefined)}
        options={options as never}
        value={value as never}
        onChange={(v) => (onChange as (x: unknown) => void)?.(v)}
        onInputChange={(v: string) => (onInputChange as ((x: string) => void) | undefined)?.(v)}
        placeholder={placeholder as string}
        isMulti={isMulti as boolean}
        isClearable={isClearable as boolean}
        testId={testId as string}
      />
    </div>
  ),
  ProgressBar: ({ value, isIndeterminate, ariaLabel }) => (
    <ProgressBar
      value={value as number}
      isIndeterminate={isIndeterminate as boolean}
      ariaLabel={(ariaLabel as string) ?? 'progress'}
    />
  ),
  Avatar: ({ src, name, size }) => (
    <Avatar src={src as string} name={name as string} size={(size as 'small') ?? 'small'} />
  ),
  Tabs: ({ children, id, onChange, selected }) => (
    <Tabs
      id={(id as string) ?? 'tabs'}
      onChange={(i) => (onChange as (x: number) => void)?.(i)}
      selected={selected as number}
    >
      {children}
    </Tabs>
  ),
  TabList: ({ children }) => <TabList>{children}</TabList>,
  Tab: ({ children }) => <Tab>{children}</Tab>,
  TabPanel: ({ children }) => <TabPanel>{children}</TabPanel>,
  ModalTransition: ({ children }) => <ModalTransition>{children}</ModalTransition>,
  Modal: ({ children, onClose, width, testId, label, shouldScrollInViewport }) => (
    <Modal
      onClose={() => (onClose as () => void)?.()}
      width={width as 'large'}
      testId={testId as string}
      label={label as string}
      shouldScrollInViewport={shouldScrollInViewport as boolean}
    >
      {children}
    </Modal>
  ),
  User: ({ accountId, hideDisplayName }) => <HostUser accountId={accountId as string} hideName={!!hideDisplayName} />,
  UserPicker: ({ label, name, placeholder, onChange, isRequired, description, defaultValue }) => (
    <HostUserPicker
      label={label as string}
      name={name as string}
      placeholder={placeholder as string}
      isRequired={isRequired as boolean}
      description={description as string}
      defaultValue={defaultValue as string}
      onChange={onChange as ((u: unknown) => void) | undefined}
    />
  ),
  ModalHeader: ({ children }) => <ModalHeader>{children}</ModalHeader>,
  ModalTitle: ({ children, appearance }) => (
    <ModalTitle appearance={appearance as 'danger' | undefined}>{children}</ModalTitle>
  ),
  /** UI Kit's DatePicker: `value` and `onChange(value)` are ISO dates (YYYY-MM-DD). */
  DatePicker: ({
    id,
    value,
    defaultValue,
    onChange,
    placeholder,
    testId,
    minDate,
    maxDate,
    isDisabled,
    dateFormat,
  }) => (
    <div style={{ minWidth: 180 }}>
      <DatePicker
        id={id as string}
        value={value as string}
        defaultValue={defaultValue as string}
        onChange={(v: string) => (onChange as ((x: string) => void) | undefined)?.(v)}
        placeholder={placeholder as string}
        testId={testId as string}
        minDate={minDate as string}
        maxDate={maxDate as string}
        isDisabled={isDisabled as boolean}
        dateFormat={dateFormat as string}
      />
    </div>
  ),
  ModalBody: ({ children }) => <ModalBody>{children}</ModalBody>,
  ModalFooter: ({ children }) => <ModalFooter>{children}</ModalFooter>,
};

export { DynamicTable };
