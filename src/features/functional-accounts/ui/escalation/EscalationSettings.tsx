/**
 * Expiry reminders: which Jira project and issue type the app files its tracking issues in, and how many
 * days before expiry owners and backups are told. Saving checks, as the app, that it can create issues
 * there and says in words what is missing; without a project, the view says plainly that nobody is told.
 */
import React, { useEffect, useState } from 'react';
import { Button, Heading, Inline, Label, SectionMessage, Select, Stack, Text, Textfield } from '@forge/react';
import type { EscalationSettingsView, IssueTypeOption, ProjectOption } from '../../../../contract';
import { call } from '../../../../frontend/api';
import { type FieldEvent, valueOf } from '../../../../frontend/events';

interface Option {
  label: string;
  value: string;
}

/** "30, 7, 1, 0" → [30, 7, 1, 0]; anything unreadable is left for the server to refuse with a reason. */
function parseDays(text: string): number[] {
  return text
    .split(/[,\s]+/)
    .filter(Boolean)
    .map((d) => (/^\d+$/.test(d) ? Number(d) : Number.NaN));
}

export function describeThresholds(days: number[]): string {
  return days.map((d) => (d === 0 ? 'on expiry' : `${d} ${d === 1 ? 'day' : 'days'} before`)).join(', ');
}

export function EscalationSettings() {
  const [view, setView] = useState<EscalationSettingsView | undefined>();
  const [projects, setProjects] = useState<ProjectOption[]>([]);
  const [types, setTypes] = useState<IssueTypeOption[]>([]);
  const [projectId, setProjectId] = useState<string | undefined>();
  const [issueTypeId, setIssueTypeId] = useState<string | undefined>();
  const [days, setDays] = useState('30, 7, 1, 0');
  const [error, setError] = useState<string | undefined>();
  const [saved, setSaved] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void (async () => {
      const [s, p] = await Promise.all([call('getEscalationSettings', {}), call('listEscalationProjects', {})]);
      if (s.ok) {
        setView(s.data);
        setProjectId(s.data.projectId);
        setIssueTypeId(s.data.issueTypeId);
        setDays(s.data.thresholds.join(', '));
      } else setError(s.error.message);
      if (p.ok) setProjects(p.data);
      else setError(p.error.message);
    })();
  }, []);

  useEffect(() => {
    setTypes([]);
    if (!projectId) return;
    void (async () => {
      const res = await call('listEscalationIssueTypes', { projectId });
      if (res.ok) setTypes(res.data);
      else setError(res.error.message);
    })();
  }, [projectId]);

  const save = async (off = false) => {
    setBusy(true);
    setError(undefined);
    setSaved(undefined);
    const res = await call('saveEscalationSettings', {
      ...(off ? {} : { projectId, issueTypeId }),
      thresholds: parseDays(days),
    });
    setBusy(false);
    if (!res.ok) return setError(res.error.message);
    setView(res.data);
    if (off) {
      setProjectId(undefined);
      setIssueTypeId(undefined);
    }
    setSaved(
      res.data.configured
        ? `Saved: reminders go to ${res.data.projectName ?? 'the project'}.`
        : 'Saved: nobody is told; reminders show on this page only.',
    );
  };

  const recheck = async () => {
    setBusy(true);
    const res = await call('checkEscalationSettings', {});
    setBusy(false);
    if (res.ok) setView(res.data);
    else setError(res.error.message);
  };

  const projectOptions: Option[] = projects.map((p) => ({ label: `${p.name} (${p.key})`, value: p.id }));
  const typeOptions: Option[] = types.map((t) => ({ label: t.name, value: t.id }));
  return (
    <Stack space="space.150">
      <Heading size="small">Expiry reminders in Jira</Heading>
      {view && !view.configured ? (
        <SectionMessage appearance="warning" title="Nobody is being told">
          <Text>
            No Jira project is chosen: credentials nearing expiry show on this page only, and no owner, backup or owning
            group hears about them. Choose a project and an issue type to send reminders.
          </Text>
        </SectionMessage>
      ) : null}
      {view?.configured ? (
        <Text>
          Reminders go to {view.projectName ?? 'the chosen project'} as {view.issueTypeName ?? 'issues'},{' '}
          {describeThresholds(view.thresholds)} expiry
          {view.updatedByName ? ` (saved by ${view.updatedByName})` : ''}.
        </Text>
      ) : null}
      {view?.check && view.check.missing.length > 0 ? (
        <SectionMessage appearance={view.check.canCreate ? 'warning' : 'error'} title="What the app is missing there">
          <Stack space="space.050">
            {view.check.missing.map((m) => (
              <Text key={m}>{m}</Text>
            ))}
          </Stack>
        </SectionMessage>
      ) : null}
      {view?.check && view.check.missing.length === 0 ? (
        <SectionMessage appearance="success" title="The app can work there">
          <Text>It can create, comment on, assign and close issues in this project.</Text>
        </SectionMessage>
      ) : null}
      <Stack space="space.050">
        <Label labelFor="escalation-project-input">Jira project for reminders</Label>
        <Select
          inputId="escalation-project-input"
          testId="escalation-project"
          placeholder="Choose a project the app can see"
          isClearable
          options={projectOptions}
          value={projectOptions.find((o) => o.value === projectId) ?? null}
          onChange={(o: Option | null) => {
            setProjectId(o?.value);
            setIssueTypeId(undefined);
          }}
        />
      </Stack>
      <Stack space="space.050">
        <Label labelFor="escalation-issuetype-input">Issue type</Label>
        <Select
          inputId="escalation-issuetype-input"
          testId="escalation-issuetype"
          placeholder={projectId ? 'Choose an issue type' : 'Choose a project first'}
          options={typeOptions}
          value={typeOptions.find((o) => o.value === issueTypeId) ?? null}
          onChange={(o: Option | null) => setIssueTypeId(o?.value)}
        />
      </Stack>
      <Stack space="space.050">
        <Label labelFor="escalation-days">Days before expiry to tell people (0 means on the day it expires)</Label>
        <Textfield
          id="escalation-days"
          testId="escalation-days"
          value={days}
          onChange={(e: FieldEvent) => setDays(valueOf(e))}
        />
      </Stack>
      <Inline space="space.100">
        <Button appearance="primary" isDisabled={busy || !projectId || !issueTypeId} onClick={() => void save()}>
          Save and check
        </Button>
        <Button isDisabled={busy || !view?.configured} onClick={() => void recheck()}>
          Check again
        </Button>
        <Button appearance="subtle" isDisabled={busy || !view?.configured} onClick={() => void save(true)}>
          Stop telling people
        </Button>
      </Inline>
      {error ? (
        <SectionMessage appearance="error" title="Not saved">
          <Text>{error}</Text>
        </SectionMessage>
      ) : null}
      {saved ? <Text>{saved}</Text> : null}
    </Stack>
  );
}
