import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { MembershipEntity } from '../members/index.js';
import { TeamEntity } from './team.entity.js';

/** A member's place in a team; a lead may add and remove members of the teams they lead. */
@Entity({ name: 'team_members' })
@Index('team_members_member_idx', ['tenantId', 'membershipId'])
export class TeamMemberEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ name: 'team_id', type: 'uuid' })
  teamId!: string;

  @PrimaryColumn({ name: 'membership_id', type: 'uuid' })
  membershipId!: string;

  @ManyToOne(() => TeamEntity, { onDelete: 'CASCADE' })
  @JoinColumn([
    {
      name: 'tenant_id',
      referencedColumnName: 'tenantId',
      foreignKeyConstraintName: 'team_members_team_fk',
    },
    {
      name: 'team_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'team_members_team_fk',
    },
  ])
  team?: TeamEntity;

  @ManyToOne(() => MembershipEntity, { onDelete: 'CASCADE' })
  @JoinColumn([
    {
      name: 'tenant_id',
      referencedColumnName: 'tenantId',
      foreignKeyConstraintName: 'team_members_membership_fk',
    },
    {
      name: 'membership_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'team_members_membership_fk',
    },
  ])
  membership?: MembershipEntity;

  @Column({ type: 'boolean', default: false })
  lead!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
