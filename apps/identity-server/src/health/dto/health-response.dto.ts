import { ApiProperty } from '@nestjs/swagger';

export class LivenessDto {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}

export class ReadinessChecksDto {
  @ApiProperty({ enum: ['ok'] }) database!: 'ok';
}

export class ReadinessDto {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
  @ApiProperty({ type: ReadinessChecksDto }) checks!: ReadinessChecksDto;
}
