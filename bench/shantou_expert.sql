-- The 30 project rules of rules/shantou.yaml written by hand in DuckDB SQL, as an expert would
-- write them over the file bench/audit_throughput.py generates: the baseline the compiled SQL
-- is measured against (bench/audit_throughput.py, unless --no-expert), and checked to give the
-- same outcome, subject by subject and rule by rule (the bench, and tests/test_audit_expert.py).
--
-- Reads egr_input (the Parquet file as written, the columns of `egovrules schema project`) and
-- the strict working-day tables egr_cal(day, idx) and egr_workday(k, day) of
-- egovrules.backends.sql.workdays. Yields subject_id, waivers and r0 ... r29, the outcome code
-- of each rule in the audit's order (0 not applicable, 1 met, 2 violated, 3 pending,
-- 4 undetermined). {as_of} is the audit date, as DATE 'YYYY-MM-DD'.
--
-- What the expert does that the compiler does not: one pass over the row computes every value
-- several rules share (the scope, the expected authority of each kind, the latest day an
-- approval may have), so each list condition is one lambda comparing an item with a value of
-- the row (the compiler splits a list condition on such values, one lambda per branch); the
-- input's columns are read as they are, the subject model's defaults applied only to those the
-- rules read. Like the compiler: one lookup of the calendar, the bounds of a deadline past the
-- known years by arithmetic on it. An act dated after the audit date has not happened on it
-- (docs/pack-format.md): where a rule asks whether an act is on record, the expert asks
-- whether its date is on or before {as_of}.
WITH
cal AS (
    -- The calendar's known days: first, last, how many working days, the first seven.
    SELECT
        (SELECT min(day) FROM egr_cal) + 1 AS first_day,
        (SELECT max(day) FROM egr_cal) AS last_day,
        (SELECT count(*) FROM egr_workday) AS workdays,
        (SELECT list(day ORDER BY k) FROM egr_workday WHERE k <= 7) AS first7
),
p AS (
    SELECT
        i.id AS subject_id,
        coalesce(i.waivers, []) AS waivers,
        -- every rule's scope: government-funded (no funding source recorded: presumed so, as
        -- the pack's scope funded_projects presumes), not arranged above, not classified
        coalesce(i.funding_source IN ('franchise', 'government_financed', 'government_full',
                                      'government_partial', 'ppp'), true)
            AND NOT coalesce(i.national_provincial_arranged, false)
            AND NOT coalesce(i.is_classified, false) AS scope,
        coalesce(i.level IN ('county', 'district'), false) AS district,
        coalesce(i.includes_buildings_or_municipal_engineering, false) AS buildings,
        coalesce(i.declaration, false) AS decl,
        CASE WHEN i.declaration THEN coalesce(i.declaration__type, 'annual') END AS d_type,
        CASE WHEN i.declaration THEN i.declaration__submitted_date END AS d_sub,
        CASE WHEN i.declaration THEN make_date(CAST(i.declaration__plan_year - 1 AS INT), 8, 31)
            END AS d_due,
        CASE WHEN i.declaration THEN i.declaration__submitted_to END AS d_to,
        coalesce(i.declaration AND i.declaration__special_ground IN
                 ('higher_level_temporary', 'major_task', 'urgent_need'), false) AS ground_ok,
        i.declaration AND coalesce(i.declaration__materials__necessity_feasibility, false)
            AND coalesce(i.declaration__materials__content, false)
            AND coalesce(i.declaration__materials__technical_specs, false)
            AND coalesce(i.declaration__materials__investment_estimate, false)
            AND coalesce(i.declaration__materials__implementation_plan, false) AS materials,
        coalesce(i.declaration AND NOT coalesce(i.declaration__complete, false), false)
            AS d_incomplete,
        CASE WHEN i.declaration THEN i.declaration__correction_notice_date END AS d_notice,
        CASE WHEN i.declaration THEN i.declaration__corrected_date END AS d_corrected,
        CASE WHEN i.declaration THEN i.declaration__status END AS d_status,
        -- a pre-review, third-party review or expert evaluation (第十二条, 第十三条): the first
        -- one dated, and whether one is dated by the audit date
        list_min(list_transform(list_filter(i.reviews, lambda r: r.kind IN
            ('expert_review', 'preliminary_review', 'third_party_review')), lambda r: r.date))
            AS first_reviewed,
        coalesce(list_bool_or(list_transform(i.reviews, lambda r: r.kind IN
            ('expert_review', 'preliminary_review', 'third_party_review')
            AND r.date <= {as_of})), false) AS reviewed,
        coalesce(i.evaluation_opinion, false) AS eo,
        CASE WHEN i.evaluation_opinion THEN i.evaluation_opinion__date END AS eo_date,
        CASE WHEN i.evaluation_opinion THEN i.evaluation_opinion__issued_by END AS eo_by,
        coalesce(i.approval_application, false) AS aa,
        CASE WHEN i.approval_application THEN i.approval_application__submitted_date
            END AS aa_sub,
        CASE WHEN i.approval_application THEN i.approval_application__submitted_to END AS aa_to,
        coalesce(i.approval_application
                 AND coalesce(i.approval_application__complete, false), false) AS aa_complete,
        coalesce(i.approval_application
                 AND coalesce(i.approval_application__evaluation_opinion_attached, false)
                 AND coalesce(i.approval_application__budget_inclusion_doc_attached, false),
                 false) AS aa_documents,
        CASE WHEN i.approval_application THEN i.approval_application__received_date
            END AS aa_received,
        CASE WHEN i.approval_application THEN i.approval_application__decision_date
            END AS aa_decision,
        CASE WHEN i.approval_application THEN i.approval_application__copied_to_finance_date
            END AS aa_copied,
        c.idx AS received_idx,
        w.day AS aa_due,
        i.construction_start_date AS started,
        i.procurement__date AS procured,
        i.contract_signed_date AS contracted,
        CASE WHEN i.acceptance THEN i.acceptance__date END AS acc_date,
        coalesce(i.acceptance AND i.acceptance__result = 'passed', false) AS acc_passed,
        coalesce(i.acceptance AND list_contains(i.acceptance__organised_by, i.owner_unit), false)
            AS acc_by_owner,
        i.trial_operation_end_date AS trial_end,
        i.operation_start_date AS operating,
        i.approved_total_investment AS approved,
        i.current_total_investment AS current,
        i.investment_increase_date AS increased,
        i.major_programme_change_date AS changed,
        i.procurement__method AS proc_method,
        coalesce(i.category = 'engineering', false) AS engineering,
        coalesce(i.construction_supervisor, false) AS supervisor,
        coalesce(i.follow_up_project, false) AS follow_up,
        coalesce(i.performance_assessment_referenced, false) AS assessed,
        coalesce(i.conforms_to_overall_plan, false) AS plan_ok,
        coalesce(i.conforms_to_technical_standards, false) AS standards_ok,
        coalesce(i.follows_approved_programme, false) AS programme_ok,
        coalesce(i.software_licensed, false) AND coalesce(i.security_products_certified, false)
            AS licensed,
        coalesce(i.security_standards_applied, false) AS security_ok,
        coalesce(i.covers_office_approval_monitoring, false) AS office_system,
        coalesce(i.uses_shared_government_online, false) AS shared_online,
        coalesce(i.separate_app_system, false) AS separate_app,
        -- the one list pass each rule needs, comparing items with values of the row
        -- an approval given by the audit date (an act dated after it has not happened yet)
        coalesce(list_bool_or(list_transform(i.approvals,
            lambda a: a.kind = 'project_establishment' AND a.date <= {as_of})), false)
            AS established,
        list_min(list_transform(list_filter(i.approvals,
            lambda a: a.kind = 'project_establishment'), lambda a: a.date)) AS first_established,
        coalesce(list_bool_or(list_transform(i.approvals,
            lambda a: a.kind = 'project_establishment' AND a.date <= {as_of}
                 AND (NOT coalesce(i.construction_start_date <= {as_of}, false)
                      OR a.date <= i.construction_start_date)
                 AND (NOT coalesce(i.procurement__date <= {as_of}, false)
                      OR a.date <= i.procurement__date))), false)
            AS approved_before,
        coalesce(list_bool_or(list_transform(i.approvals,
            lambda a: a.kind = 'app_system' AND a.approver = 'municipal_egov_authority'
                 AND a.date <= {as_of}
                 AND (NOT coalesce(i.construction_start_date <= {as_of}, false)
                      OR a.date <= i.construction_start_date))), false)
            AS app_approved,
        coalesce(i.construction_start_date <= {as_of}, false) AS built,
        coalesce(list_bool_or(list_transform(i.payments,
            lambda x: x.kind = 'followup' AND x.date <= {as_of})), false) AS followup_paid,
        CASE WHEN coalesce(i.level IN ('county', 'district'), false)
             THEN CASE WHEN coalesce(i.includes_buildings_or_municipal_engineering, false)
                       THEN 'district_development_and_reform_department'
                       ELSE 'district_egov_authority' END
             ELSE CASE WHEN coalesce(i.includes_buildings_or_municipal_engineering, false)
                       THEN 'municipal_development_and_reform_department'
                       ELSE 'municipal_egov_authority' END
        END AS route,
        CASE WHEN coalesce(i.level IN ('county', 'district'), false)
             THEN 'district_egov_authority' ELSE 'municipal_egov_authority' END AS authority,
        i.approvals,
        i.reviews,
        i.payments
    FROM egr_input AS i
    LEFT JOIN egr_cal AS c
        ON c.day = CASE WHEN i.approval_application THEN i.approval_application__received_date
                   END
    LEFT JOIN egr_workday AS w ON w.k = c.idx + 7
),
q AS (
    SELECT
        p.*,
        coalesce(d_type = 'special' AND d_sub > d_due, false) AS late_special,
        -- the earliest and the latest possible last day of the 7 working days when the
        -- calendar does not reach it (every unknown day a working day, or none), in the years
        -- the bounds span (1900-2199)
        CASE WHEN aa_received IS NULL OR aa_due IS NOT NULL THEN NULL
             WHEN received_idx IS NOT NULL
                 THEN cal.last_day + CAST(received_idx + 7 - cal.workdays AS INT)
             WHEN aa_received > cal.last_day AND aa_received + 7 <= DATE '2199-12-31'
                 THEN aa_received + 7
             WHEN aa_received > cal.last_day OR aa_received < DATE '1899-12-31' THEN NULL
             WHEN aa_received + 7 < cal.first_day THEN aa_received + 7
             ELSE cal.first7[CAST(7 - (cal.first_day - 1 - aa_received) AS INT)]
        END AS earliest_due,
        CASE WHEN aa_received >= DATE '1899-12-31' AND aa_received < cal.first_day - 1
             THEN cal.first7[7] END AS latest_due
    FROM p, cal
)
SELECT
    subject_id,
    waivers,
    -- performance_assessment_basis
    CASE WHEN NOT (scope AND follow_up AND established) THEN 0
         WHEN assessed THEN 1 ELSE 2 END AS r0,
    -- annual_declaration_deadline: 31 August of the year before the plan year
    CASE WHEN NOT (scope AND decl AND NOT late_special) THEN 0
         WHEN d_due IS NULL THEN 1
         -- late only once the last day has passed: not submitted by it (a submission dated
         -- after the audit date has not happened yet)
         WHEN {as_of} > d_due THEN CASE WHEN d_sub IS NULL OR d_sub > d_due THEN 2 ELSE 1 END
         WHEN d_sub <= {as_of} THEN 1 ELSE 3 END AS r1,
    -- declaration_materials
    CASE WHEN NOT (scope AND decl) THEN 0 WHEN materials THEN 1 ELSE 2 END AS r2,
    -- declaration_recipient
    CASE WHEN NOT (scope AND coalesce(d_sub <= {as_of}, false)) THEN 0
         WHEN coalesce(d_to = authority, false) THEN 1 ELSE 2 END AS r3,
    -- incomplete_declaration_handling (1.3.2: no notice yet on a declaration neither decided
    -- nor taken on is open, awaiting the authority; an opinion dated later is not given yet.
    -- 1.3.3: the status has no date, so a decision recorded with a notice dated later, or an
    -- acceptance with a correction dated later, is not placed before it: open, not broken.
    -- 1.3.4: an opinion or establishment approval dated before the correction on record was
    -- given on it uncorrected; one on the correction's day, or with no date, is not before it.
    -- 1.3.5: corrected with the materials complete, any status; a review (pre-review,
    -- third-party, expert) takes the declaration on as the opinion and the approval do)
    CASE WHEN NOT (scope AND coalesce(d_sub <= {as_of}, false) AND d_incomplete) THEN 0
         WHEN d_notice <= {as_of}
              AND ((d_corrected <= {as_of} AND materials
                    AND NOT coalesce(first_established < d_corrected
                                     OR eo_date < d_corrected
                                     OR first_reviewed < d_corrected, false))
                   OR (NOT coalesce(d_status = 'accepted', false)
                       AND (NOT eo OR coalesce(eo_date > {as_of}, false)) AND NOT established
                       AND NOT reviewed))
              THEN 1
         WHEN (NOT eo OR coalesce(eo_date > {as_of}, false)) AND NOT established AND NOT reviewed
              AND CASE WHEN coalesce(d_notice <= {as_of}, false)
                       THEN coalesce(d_status = 'accepted' AND d_corrected > {as_of}, false)
                       ELSE NOT coalesce(d_status IN ('accepted', 'inadmissible'), false)
                            OR coalesce(d_notice > {as_of}, false) END
              THEN 3
         ELSE 2 END AS r4,
    -- special_declaration_grounds
    CASE WHEN NOT (scope AND late_special) THEN 0 WHEN ground_ok THEN 1 ELSE 2 END AS r5,
    -- plan_conformance
    CASE WHEN NOT (scope AND decl) THEN 0 WHEN plan_ok THEN 1 ELSE 2 END AS r6,
    -- pre_review_passed
    CASE WHEN NOT (scope AND (coalesce(eo_date <= {as_of}, false) OR established)) THEN 0
         WHEN coalesce(list_bool_or(list_transform(reviews,
                  lambda r: r.kind = 'preliminary_review' AND r.result = 'passed'
                       AND r.date <= {as_of}
                       AND (NOT coalesce(eo_date <= {as_of}, false) OR r.date <= eo_date)
                       AND (first_established IS NULL OR r.date <= first_established))), false)
             THEN 1
         ELSE 2 END AS r7,
    -- third_party_review (not for a special declaration with a ground, after the period)
    CASE WHEN NOT (scope AND decl AND NOT (late_special AND ground_ok) AND coalesce(eo_date <= {as_of}, false))
             THEN 0
         WHEN coalesce(list_bool_or(list_transform(reviews,
                  lambda r: r.kind = 'third_party_review' AND r.selection = 'open_competition'
                       AND r.date <= {as_of} AND r.date <= eo_date)), false) THEN 1
         ELSE 2 END AS r8,
    -- expert_evaluation
    CASE WHEN NOT (scope AND decl AND NOT (late_special AND ground_ok) AND coalesce(eo_date <= {as_of}, false))
             THEN 0
         WHEN coalesce(list_bool_or(list_transform(reviews,
                  lambda r: r.kind = 'expert_review' AND r.date <= {as_of}
                       AND r.date <= eo_date AND r.organised_by = authority)), false) THEN 1
         ELSE 2 END AS r9,
    -- evaluation_opinion_issued
    CASE WHEN NOT (scope AND established) THEN 0
         WHEN eo_date <= {as_of} AND coalesce(eo_by = authority, false) THEN 1
         ELSE 2 END AS r10,
    -- approval_before_implementation
    CASE WHEN NOT (scope AND (coalesce(started <= {as_of}, false) OR coalesce(procured <= {as_of}, false))) THEN 0
         WHEN approved_before THEN 1 ELSE 2 END AS r11,
    -- approval_authority_routing
    CASE WHEN NOT (scope AND established) THEN 0
         WHEN coalesce(list_bool_and(list_transform(approvals,
                  lambda a: a.kind <> 'project_establishment' OR coalesce(a.approver = route, false)
              )), true) THEN 1
         ELSE 2 END AS r12,
    -- evaluation_basis_for_approval
    CASE WHEN NOT (scope AND established AND coalesce(eo_date <= {as_of}, false)) THEN 0
         WHEN coalesce(list_bool_and(list_transform(approvals,
                  lambda a: a.kind <> 'project_establishment' OR coalesce(a.date >= eo_date, false)
              )), true) THEN 1
         ELSE 2 END AS r13,
    -- approval_application_documents
    CASE WHEN NOT (scope AND NOT buildings AND coalesce(aa_sub <= {as_of}, false)) THEN 0
         WHEN aa_documents AND coalesce(aa_to = authority, false) THEN 1 ELSE 2 END AS r14,
    -- approval_copied_to_finance
    CASE WHEN NOT (scope AND NOT buildings AND aa_complete AND coalesce(aa_decision <= {as_of}, false)) THEN 0
         WHEN coalesce(aa_copied <= aa_decision, false) THEN 1 ELSE 2 END AS r15,
    -- approval_within_7_working_days
    CASE WHEN NOT (scope AND NOT buildings AND aa_complete) THEN 0
         WHEN aa_received IS NOT NULL AND aa_due IS NULL THEN
             CASE WHEN aa_received > {as_of} THEN 1
                  WHEN {as_of} > latest_due AND (aa_decision IS NULL OR aa_decision > latest_due)
                      THEN 2
                  WHEN aa_decision <= {as_of} AND aa_decision <= earliest_due THEN 1
                  WHEN {as_of} <= earliest_due AND (aa_decision IS NULL OR aa_decision > {as_of})
                      THEN 3
                  ELSE 4 END
         WHEN aa_due IS NULL THEN 1
         WHEN {as_of} > aa_due
             THEN CASE WHEN aa_decision IS NULL OR aa_decision > aa_due THEN 2 ELSE 1 END
         -- received after the audit date: the seven days have not begun; decided after it:
         -- not decided yet
         WHEN aa_received > {as_of} OR aa_decision <= {as_of} THEN 1 ELSE 3 END AS r16,
    -- evaluation_validity_1_year
    CASE WHEN NOT (scope AND coalesce(eo_date <= {as_of}, false) AND coalesce(aa_sub <= {as_of}, false)) THEN 0
         WHEN aa_sub <= CAST(eo_date + INTERVAL 1 YEAR AS DATE) THEN 1 ELSE 2 END AS r17,
    -- contract_management
    CASE WHEN NOT (scope AND coalesce(started <= {as_of}, false)) THEN 0
         WHEN contracted <= {as_of} THEN 1 ELSE 2 END AS r18,
    -- implement_per_approved_programme
    CASE WHEN NOT (scope AND coalesce(started <= {as_of}, false)) THEN 0
         WHEN programme_ok THEN 1 ELSE 2 END AS r19,
    -- tender_procurement
    CASE WHEN NOT (scope AND (coalesce(contracted <= {as_of}, false) OR coalesce(started <= {as_of}, false))) THEN 0
         WHEN coalesce(proc_method IN ('government_procurement', 'public_tender'), false)
              AND ((NOT engineering AND NOT buildings) OR supervisor) THEN 1
         ELSE 2 END AS r20,
    -- acceptance_after_trial_operation (pending while no acceptance is held)
    CASE WHEN NOT (scope AND (coalesce(acc_date <= {as_of}, false) OR coalesce(trial_end <= {as_of}, false)))
             THEN 0
         WHEN acc_by_owner AND coalesce(trial_end <= {as_of}, false) AND coalesce(trial_end <= acc_date, false)
             THEN 1
         WHEN NOT coalesce(acc_date <= {as_of}, false) THEN 3 ELSE 2 END AS r21,
    -- no_followup_funds_without_acceptance
    CASE WHEN NOT (scope AND followup_paid) THEN 0
         WHEN acc_passed AND coalesce(list_bool_and(list_transform(payments,
                  lambda x: x.kind <> 'followup' OR NOT coalesce(x.date <= {as_of}, false)
                       OR coalesce(acc_date <= x.date, false))), true)
             THEN 1
         ELSE 2 END AS r22,
    -- no_operation_without_acceptance
    CASE WHEN NOT (scope AND coalesce(operating <= {as_of}, false)) THEN 0
         WHEN acc_passed AND coalesce(acc_date <= operating, false) THEN 1 ELSE 2 END AS r23,
    -- budget_variance_reapproval: an increase of more than 10 %, exactly (no rounding)
    CASE WHEN NOT (scope AND coalesce(increased <= {as_of}, false)
                   AND coalesce(CASE WHEN approved > 0 THEN current - approved > 0.1 * approved
                                     WHEN approved < 0 THEN current - approved < 0.1 * approved
                                END, false)) THEN 0
         WHEN coalesce(list_bool_or(list_transform(approvals,
                  lambda a: a.kind = 're_approval' AND a.date <= increased
                       AND a.approver = route)), false) THEN 1
         ELSE 2 END AS r24,
    -- major_programme_change_reapproval
    CASE WHEN NOT (scope AND coalesce(changed <= {as_of}, false)) THEN 0
         WHEN coalesce(list_bool_or(list_transform(approvals,
                  lambda a: a.kind = 're_approval' AND a.date <= changed
                       AND a.approver = route)), false) THEN 1
         ELSE 2 END AS r25,
    -- use_shared_government_online
    CASE WHEN NOT (scope AND office_system) THEN 0
         WHEN shared_online OR separate_app THEN 1 ELSE 2 END AS r26,
    -- separate_app_system_approval
    CASE WHEN NOT (scope AND separate_app) THEN 0
         WHEN app_approved AND standards_ok THEN 1
         WHEN NOT built THEN 3 ELSE 2 END AS r27,
    -- licensed_software_certified_products
    CASE WHEN NOT (scope AND coalesce(started <= {as_of}, false)) THEN 0 WHEN licensed THEN 1 ELSE 2 END AS r28,
    -- security_standards
    CASE WHEN NOT (scope AND coalesce(started <= {as_of}, false)) THEN 0 WHEN security_ok THEN 1 ELSE 2 END AS r29
FROM q
