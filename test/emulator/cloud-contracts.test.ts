/** Every emulated API's contract suite, run against LocalCloud. */
import { autoScalingContract } from './contracts/autoscaling.contract.ts';
import { dynamoDbContract } from './contracts/dynamodb.contract.ts';
import { ec2Contract } from './contracts/ec2.contract.ts';
import { ecsContract } from './contracts/ecs.contract.ts';
import { eventBridgeContract } from './contracts/eventbridge.contract.ts';
import { globalAcceleratorContract } from './contracts/globalaccelerator.contract.ts';
import { localTarget } from './contracts/local-target.ts';
import { sfnContract } from './contracts/sfn.contract.ts';
import { ssmContract } from './contracts/ssm.contract.ts';

ec2Contract('LocalCloud', localTarget);
autoScalingContract('LocalCloud', localTarget);
ecsContract('LocalCloud', localTarget);
ssmContract('LocalCloud', localTarget);
eventBridgeContract('LocalCloud', localTarget);
sfnContract('LocalCloud', localTarget);
dynamoDbContract('LocalCloud', localTarget);
globalAcceleratorContract('LocalCloud', localTarget);
