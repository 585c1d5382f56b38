import type { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
import type { ApiEnv } from './http/context.js';

/** The app as an AWS Lambda handler for API Gateway REST (v1) proxy events (v2 and ALB work too). */
export const lambdaHandler = (app: Hono<ApiEnv>) => handle(app as unknown as Hono);
