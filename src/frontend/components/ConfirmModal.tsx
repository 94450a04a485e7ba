/**
 * A confirmation dialog for a change that is hard to take back (removing a member, deleting a user): what
 * will happen in words, an optional warning (e.g. a licence that goes), and the two choices.
 */
import React from 'react';
import {
  Button,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  ModalTitle,
  ModalTransition,
  SectionMessage,
  Stack,
  Text,
} from '@forge/react';

export function ConfirmModal(props: {
  isOpen: boolean;
  title: string;
  body: string;
  warning?: string;
  confirmLabel: string;
  appearance?: 'danger' | 'warning';
  isBusy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  testId: string;
  children?: React.ReactNode;
  /**
   * Focus Cancel when the dialog opens instead of its first field: a date picker that takes focus first opens
   * its calendar over the dialog's explanation and buttons.
   */
  focusCancel?: boolean;
}) {
  return (
    <ModalTransition>
      {props.isOpen ? (
        <Modal onClose={props.onCancel} testId={props.testId} label={props.title}>
          <ModalHeader>
            <ModalTitle appearance={props.appearance ?? 'danger'}>{props.title}</ModalTitle>
          </ModalHeader>
          <ModalBody>
            <Stack space="space.150">
              <Text>{props.body}</Text>
              {props.warning ? (
                <SectionMessage appearance="warning">
                  <Text>{props.warning}</Text>
                </SectionMessage>
              ) : null}
              {props.children}
            </Stack>
          </ModalBody>
          <ModalFooter>
            <Button
              appearance="subtle"
              onClick={props.onCancel}
              testId={`${props.testId}-cancel`}
              {...(props.focusCancel ? { autoFocus: true } : {})}
            >
              Cancel
            </Button>
            <Button
              appearance={props.appearance ?? 'danger'}
              onClick={props.onConfirm}
              isDisabled={props.isBusy}
              testId={`${props.testId}-confirm`}
            >
              {props.confirmLabel}
            </Button>
          </ModalFooter>
        </Modal>
      ) : null}
    </ModalTransition>
  );
}
