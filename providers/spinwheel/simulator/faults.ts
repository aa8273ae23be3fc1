// Spinwheel's side of fault injection (mechanism: simulator-kit/faults.ts): its operation names
// and its faulted answers, in the `{status, data}` envelope.
import { FaultQueue, type FaultAnswers } from '../../simulator-kit';
import { SUCCESS_STATUS } from '../assumptions';

export const SPINWHEEL_OPERATIONS = ['user', 'refresh', 'refresh_status'] as const;
export type SpinwheelOperation = (typeof SPINWHEEL_OPERATIONS)[number];

export const spinwheelFaultQueue = () => new FaultQueue('Spinwheel', SPINWHEEL_OPERATIONS);

export const SPINWHEEL_FAULT_ANSWERS: FaultAnswers = {
  errorBody: (status) => ({ status: { code: status, desc: 'Injected fault' }, data: null }),
  malformedJson: '{"status":{"code":200,"desc":"success"},"data":{"creditCa',
  wrongShape: { status: SUCCESS_STATUS, data: 'unexpected-shape' },
  htmlPage: '<html><body>Spinwheel is down for maintenance</body></html>',
};
