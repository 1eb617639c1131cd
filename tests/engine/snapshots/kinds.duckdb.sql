WITH "t6" AS (
  SELECT
    *
  FROM "accounts" AS "t1"
  WHERE
    "t1"."customer_since" <= MAKE_DATE(2024, 6, 30)
)
SELECT
  "t68"."account_id",
  "t68"."segment",
  "t68"."m__quota",
  "t68"."m__seats",
  "t68"."m__deal_sum_30d",
  "t68"."m__deal_avg_30d",
  "t68"."m__deal_min_30d",
  "t68"."m__deal_value_per_user_30d",
  "t68"."age__deal_sum_30d",
  "t68"."age__deal_avg_30d",
  "t68"."age__deal_min_30d",
  "t68"."age__deal_value_per_user_30d",
  "t68"."m__deal_max_all",
  "t68"."m__deal_latest",
  "t68"."age__deal_max_all",
  "t68"."age__deal_latest",
  "t68"."m__plans_30d",
  "t68"."m__events_30d",
  "t68"."m__events_per_user_30d",
  "t68"."m__events_30d_tenure",
  "t68"."age__plans_30d",
  "t68"."age__events_30d",
  "t68"."age__events_per_user_30d",
  "t68"."age__events_30d_tenure",
  "t68"."m__paid_deals_30d",
  "t68"."age__paid_deals_30d",
  "t68"."m__not_free_30d",
  "t68"."age__not_free_30d",
  "t68"."m__value_30_30d",
  "t68"."age__value_30_30d",
  "t68"."m__per_user_trend",
  "t68"."m__events_trend",
  "t68"."m__gut",
  "t68"."age__gut",
  "t68"."m__deal_per_seat",
  "t68"."m__deal_per_gut",
  "t68"."m__trend_per_seat",
  "t68"."m__deal_share_of_quota",
  "t68"."m__per_seat_per_user",
  "t68"."g__deals",
  "t68"."g__depth",
  CAST(ROUND(
    (
      (
        CASE
          WHEN CASE
            WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS TEXT) END = 'all'
            THEN 'main'
            ELSE CAST(NULL AS TEXT)
          END = 'main'
          THEN "t68"."cs__main"
          ELSE CAST(NULL AS DOUBLE)
        END * 100.0
      ) / 100
    ) + 0.0,
    1
  ) AS DOUBLE) AS "score__health",
  CASE
    WHEN CAST(ROUND(
      (
        (
          CASE
            WHEN CASE
              WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS TEXT) END = 'all'
              THEN 'main'
              ELSE CAST(NULL AS TEXT)
            END = 'main'
            THEN "t68"."cs__main"
            ELSE CAST(NULL AS DOUBLE)
          END * 100.0
        ) / 100
      ) + 0.0,
      1
    ) AS DOUBLE) IS NULL
    THEN CAST(NULL AS TEXT)
    WHEN CAST(ROUND(
      (
        (
          CASE
            WHEN CASE
              WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS TEXT) END = 'all'
              THEN 'main'
              ELSE CAST(NULL AS TEXT)
            END = 'main'
            THEN "t68"."cs__main"
            ELSE CAST(NULL AS DOUBLE)
          END * 100.0
        ) / 100
      ) + 0.0,
      1
    ) AS DOUBLE) < 60.0
    THEN 'red'
    WHEN CAST(ROUND(
      (
        (
          CASE
            WHEN CASE
              WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS TEXT) END = 'all'
              THEN 'main'
              ELSE CAST(NULL AS TEXT)
            END = 'main'
            THEN "t68"."cs__main"
            ELSE CAST(NULL AS DOUBLE)
          END * 100.0
        ) / 100
      ) + 0.0,
      1
    ) AS DOUBLE) < 70.0
    THEN 'yellow'
    ELSE 'green'
  END AS "band__health",
  CASE
    WHEN CASE
      WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS TEXT) END = 'all'
      THEN 'main'
      ELSE CAST(NULL AS TEXT)
    END = 'main'
    THEN "t68"."cov__main"
    ELSE CAST(NULL AS DOUBLE)
  END AS "coverage__health",
  CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS TEXT) END AS "segment__health",
  CASE
    WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS TEXT) END = 'all'
    THEN 'main'
    ELSE CAST(NULL AS TEXT)
  END AS "scorecard__health",
  CASE
    WHEN CASE
      WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS TEXT) END = 'all'
      THEN 'main'
      ELSE CAST(NULL AS TEXT)
    END = 'main'
    THEN "t68"."ew__main__deals"
    ELSE CAST(NULL AS DOUBLE)
  END AS "w__health__deals",
  CASE
    WHEN CASE
      WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS TEXT) END = 'all'
      THEN 'main'
      ELSE CAST(NULL AS TEXT)
    END = 'main'
    THEN "t68"."ew__main__deals"
    ELSE CAST(NULL AS DOUBLE)
  END * COALESCE("t68"."g__deals", 0.0) * 1.0 AS "c__health__deals",
  CASE
    WHEN CASE
      WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS TEXT) END = 'all'
      THEN 'main'
      ELSE CAST(NULL AS TEXT)
    END = 'main'
    THEN "t68"."ew__main__depth"
    ELSE CAST(NULL AS DOUBLE)
  END AS "w__health__depth",
  CASE
    WHEN CASE
      WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS TEXT) END = 'all'
      THEN 'main'
      ELSE CAST(NULL AS TEXT)
    END = 'main'
    THEN "t68"."ew__main__depth"
    ELSE CAST(NULL AS DOUBLE)
  END * COALESCE("t68"."g__depth", 0.0) * 1.0 AS "c__health__depth"
FROM (
  SELECT
    "t67"."account_id",
    "t67"."segment",
    "t67"."m__quota",
    "t67"."m__seats",
    "t67"."m__deal_sum_30d",
    "t67"."m__deal_avg_30d",
    "t67"."m__deal_min_30d",
    "t67"."m__deal_value_per_user_30d",
    "t67"."age__deal_sum_30d",
    "t67"."age__deal_avg_30d",
    "t67"."age__deal_min_30d",
    "t67"."age__deal_value_per_user_30d",
    "t67"."m__deal_max_all",
    "t67"."m__deal_latest",
    "t67"."age__deal_max_all",
    "t67"."age__deal_latest",
    "t67"."m__plans_30d",
    "t67"."m__events_30d",
    "t67"."m__events_per_user_30d",
    "t67"."m__events_30d_tenure",
    "t67"."age__plans_30d",
    "t67"."age__events_30d",
    "t67"."age__events_per_user_30d",
    "t67"."age__events_30d_tenure",
    "t67"."m__paid_deals_30d",
    "t67"."age__paid_deals_30d",
    "t67"."m__not_free_30d",
    "t67"."age__not_free_30d",
    "t67"."m__value_30_30d",
    "t67"."age__value_30_30d",
    "t67"."m__per_user_trend",
    "t67"."m__events_trend",
    "t67"."m__gut",
    "t67"."age__gut",
    "t67"."m__deal_per_seat",
    "t67"."m__deal_per_gut",
    "t67"."m__trend_per_seat",
    "t67"."m__deal_share_of_quota",
    "t67"."m__per_seat_per_user",
    "t67"."g__deals",
    "t67"."g__depth",
    "t67"."den__main",
    1.0 * CASE
      WHEN "t67"."den__main" > 0
      THEN CASE WHEN "t67"."g__deals" IS NOT NULL THEN 1.0 ELSE 0.0 END / "t67"."den__main"
      ELSE 0.0
    END AS "ew__main__deals",
    1.0 * CASE
      WHEN "t67"."den__main" > 0
      THEN CASE WHEN "t67"."g__depth" IS NOT NULL THEN 1.0 ELSE 0.0 END / "t67"."den__main"
      ELSE 0.0
    END AS "ew__main__depth",
    CASE
      WHEN "t67"."den__main" > 0
      THEN 0.0 + (
        1.0 * CASE
          WHEN "t67"."den__main" > 0
          THEN CASE WHEN "t67"."g__deals" IS NOT NULL THEN 1.0 ELSE 0.0 END / "t67"."den__main"
          ELSE 0.0
        END * COALESCE("t67"."g__deals", 0.0)
      ) + (
        1.0 * CASE
          WHEN "t67"."den__main" > 0
          THEN CASE WHEN "t67"."g__depth" IS NOT NULL THEN 1.0 ELSE 0.0 END / "t67"."den__main"
          ELSE 0.0
        END * COALESCE("t67"."g__depth", 0.0)
      )
      ELSE CAST(NULL AS DOUBLE)
    END AS "cs__main",
    0.0 + CASE WHEN "t67"."g__deals" IS NOT NULL THEN 0.5 ELSE 0.0 END + CASE WHEN "t67"."g__depth" IS NOT NULL THEN 0.5 ELSE 0.0 END AS "cov__main"
  FROM (
    SELECT
      "t66"."account_id",
      "t66"."segment",
      "t66"."m__quota",
      "t66"."m__seats",
      "t66"."m__deal_sum_30d",
      "t66"."m__deal_avg_30d",
      "t66"."m__deal_min_30d",
      "t66"."m__deal_value_per_user_30d",
      "t66"."age__deal_sum_30d",
      "t66"."age__deal_avg_30d",
      "t66"."age__deal_min_30d",
      "t66"."age__deal_value_per_user_30d",
      "t66"."m__deal_max_all",
      "t66"."m__deal_latest",
      "t66"."age__deal_max_all",
      "t66"."age__deal_latest",
      "t66"."m__plans_30d",
      "t66"."m__events_30d",
      "t66"."m__events_per_user_30d",
      "t66"."m__events_30d_tenure",
      "t66"."age__plans_30d",
      "t66"."age__events_30d",
      "t66"."age__events_per_user_30d",
      "t66"."age__events_30d_tenure",
      "t66"."m__paid_deals_30d",
      "t66"."age__paid_deals_30d",
      "t66"."m__not_free_30d",
      "t66"."age__not_free_30d",
      "t66"."m__value_30_30d",
      "t66"."age__value_30_30d",
      "t66"."m__per_user_trend",
      "t66"."m__events_trend",
      "t66"."m__gut",
      "t66"."age__gut",
      CASE
        WHEN CAST("t66"."m__seats" AS DOUBLE) = 0
        THEN CAST(NULL AS DOUBLE)
        ELSE "t66"."m__deal_sum_30d" / CAST("t66"."m__seats" AS DOUBLE)
      END AS "m__deal_per_seat",
      CASE
        WHEN "t66"."m__gut" = 0
        THEN CAST(NULL AS DOUBLE)
        ELSE "t66"."m__deal_sum_30d" / "t66"."m__gut"
      END AS "m__deal_per_gut",
      CASE
        WHEN CAST("t66"."m__seats" AS DOUBLE) = 0
        THEN CAST(NULL AS DOUBLE)
        ELSE "t66"."m__events_trend" / CAST("t66"."m__seats" AS DOUBLE)
      END AS "m__trend_per_seat",
      CASE
        WHEN CASE
          WHEN REGEXP_MATCHES(
            "t66"."m__quota",
            '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
          )
          THEN CAST("t66"."m__quota" AS DOUBLE)
          ELSE CAST(NULL AS DOUBLE)
        END = 0
        THEN CAST(NULL AS DOUBLE)
        ELSE "t66"."m__deal_sum_30d" / CASE
          WHEN REGEXP_MATCHES(
            "t66"."m__quota",
            '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
          )
          THEN CAST("t66"."m__quota" AS DOUBLE)
          ELSE CAST(NULL AS DOUBLE)
        END
      END AS "m__deal_share_of_quota",
      CASE
        WHEN "t66"."m__events_per_user_30d" = 0
        THEN CAST(NULL AS DOUBLE)
        ELSE CASE
          WHEN CAST("t66"."m__seats" AS DOUBLE) = 0
          THEN CAST(NULL AS DOUBLE)
          ELSE "t66"."m__deal_sum_30d" / CAST("t66"."m__seats" AS DOUBLE)
        END / "t66"."m__events_per_user_30d"
      END AS "m__per_seat_per_user",
      CASE
        WHEN "t66"."m__deal_sum_30d" IS NULL
        THEN CAST(NULL AS DOUBLE)
        ELSE GREATEST(0.0, LEAST(100.0, (
          (
            "t66"."m__deal_sum_30d" - 0.0
          ) / 200.0
        ) * 100))
      END AS "g__deals",
      CASE
        WHEN "t66"."m__events_per_user_30d" IS NULL
        THEN CAST(NULL AS DOUBLE)
        ELSE GREATEST(
          0.0,
          LEAST(100.0, (
            (
              "t66"."m__events_per_user_30d" - 0.0
            ) / 5.0
          ) * 100)
        )
      END AS "g__depth",
      0.0 + CASE
        WHEN CASE
          WHEN "t66"."m__deal_sum_30d" IS NULL
          THEN CAST(NULL AS DOUBLE)
          ELSE GREATEST(0.0, LEAST(100.0, (
            (
              "t66"."m__deal_sum_30d" - 0.0
            ) / 200.0
          ) * 100))
        END IS NOT NULL
        THEN 1.0
        ELSE 0.0
      END + CASE
        WHEN CASE
          WHEN "t66"."m__events_per_user_30d" IS NULL
          THEN CAST(NULL AS DOUBLE)
          ELSE GREATEST(
            0.0,
            LEAST(100.0, (
              (
                "t66"."m__events_per_user_30d" - 0.0
              ) / 5.0
            ) * 100)
          )
        END IS NOT NULL
        THEN 1.0
        ELSE 0.0
      END AS "den__main"
    FROM (
      SELECT
        "t65"."account_id",
        "t65"."segment",
        "t65"."m__quota",
        "t65"."m__seats",
        "t65"."m__deal_sum_30d",
        "t65"."m__deal_avg_30d",
        "t65"."m__deal_min_30d",
        "t65"."m__deal_value_per_user_30d",
        "t65"."age__deal_sum_30d",
        "t65"."age__deal_avg_30d",
        "t65"."age__deal_min_30d",
        "t65"."age__deal_value_per_user_30d",
        "t65"."m__deal_max_all",
        "t65"."m__deal_latest",
        "t65"."age__deal_max_all",
        "t65"."age__deal_latest",
        "t65"."m__plans_30d",
        "t65"."m__events_30d",
        "t65"."m__events_per_user_30d",
        "t65"."m__events_30d_tenure",
        "t65"."age__plans_30d",
        "t65"."age__events_30d",
        "t65"."age__events_per_user_30d",
        "t65"."age__events_30d_tenure",
        "t65"."m__paid_deals_30d",
        "t65"."age__paid_deals_30d",
        "t65"."m__not_free_30d",
        "t65"."age__not_free_30d",
        "t65"."m__value_30_30d",
        "t65"."age__value_30_30d",
        "t65"."m__per_user_trend",
        "t65"."m__events_trend",
        "t43"."_num" AS "m__gut",
        DATE_DIFF('DAY', CAST("t43"."_at" AS DATE), MAKE_DATE(2024, 6, 30)) AS "age__gut"
      FROM (
        SELECT
          "t63"."account_id",
          "t63"."segment",
          "t63"."m__quota",
          "t63"."m__seats",
          "t63"."m__deal_sum_30d",
          "t63"."m__deal_avg_30d",
          "t63"."m__deal_min_30d",
          "t63"."m__deal_value_per_user_30d",
          "t63"."age__deal_sum_30d",
          "t63"."age__deal_avg_30d",
          "t63"."age__deal_min_30d",
          "t63"."age__deal_value_per_user_30d",
          "t63"."m__deal_max_all",
          "t63"."m__deal_latest",
          "t63"."age__deal_max_all",
          "t63"."age__deal_latest",
          "t63"."m__plans_30d",
          "t63"."m__events_30d",
          "t63"."m__events_per_user_30d",
          "t63"."m__events_30d_tenure",
          "t63"."age__plans_30d",
          "t63"."age__events_30d",
          "t63"."age__events_per_user_30d",
          "t63"."age__events_30d_tenure",
          "t63"."m__paid_deals_30d",
          "t63"."age__paid_deals_30d",
          "t63"."m__not_free_30d",
          "t63"."age__not_free_30d",
          "t63"."m__value_30_30d",
          "t63"."age__value_30_30d",
          CASE
            WHEN (
              "t63"."m__events_per_user_30d__previous" = 0
            )
            AND (
              "t63"."m__events_per_user_30d" = 0
            )
            THEN 0.0
            WHEN "t63"."m__events_per_user_30d__previous" = 0
            THEN CAST(NULL AS DOUBLE)
            ELSE (
              (
                "t63"."m__events_per_user_30d" - "t63"."m__events_per_user_30d__previous"
              ) / "t63"."m__events_per_user_30d__previous"
            ) * 100
          END AS "m__per_user_trend",
          CASE
            WHEN (
              "t63"."m__events_30d__previous" = 0
            ) AND (
              "t63"."m__events_30d" = 0
            )
            THEN 0.0
            WHEN "t63"."m__events_30d__previous" = 0
            THEN CAST(NULL AS DOUBLE)
            ELSE (
              CAST("t63"."m__events_30d" - "t63"."m__events_30d__previous" AS DOUBLE) / "t63"."m__events_30d__previous"
            ) * 100
          END AS "m__events_trend"
        FROM (
          SELECT
            "t62"."account_id",
            "t62"."segment",
            "t62"."m__quota",
            "t62"."m__seats",
            "t62"."m__deal_sum_30d",
            "t62"."m__deal_avg_30d",
            "t62"."m__deal_min_30d",
            CASE
              WHEN "t62"."m___users_30_0" = 0
              THEN CAST(NULL AS DOUBLE)
              ELSE "t62"."m__deal_value_per_user_30d" / "t62"."m___users_30_0"
            END AS "m__deal_value_per_user_30d",
            "t62"."age__deal_sum_30d",
            "t62"."age__deal_avg_30d",
            "t62"."age__deal_min_30d",
            "t62"."age__deal_value_per_user_30d",
            "t62"."m__deal_max_all",
            "t62"."m__deal_latest",
            "t62"."age__deal_max_all",
            "t62"."age__deal_latest",
            "t62"."m__plans_30d",
            "t62"."m__events_30d",
            CASE
              WHEN "t62"."m___users_30_0" = 0
              THEN CAST(NULL AS DOUBLE)
              ELSE CAST("t62"."m__events_per_user_30d" AS DOUBLE) / "t62"."m___users_30_0"
            END AS "m__events_per_user_30d",
            (
              CAST("t62"."m__events_30d_tenure" AS DOUBLE) * 30
            ) / CAST(GREATEST(LEAST(DATE_DIFF('DAY', "t5"."_since", MAKE_DATE(2024, 6, 30)) + 1, 30), 1) AS DOUBLE) AS "m__events_30d_tenure",
            "t62"."age__plans_30d",
            "t62"."age__events_30d",
            "t62"."age__events_per_user_30d",
            "t62"."age__events_30d_tenure",
            "t62"."m__paid_deals_30d",
            "t62"."age__paid_deals_30d",
            "t62"."m__not_free_30d",
            "t62"."age__not_free_30d",
            "t62"."m__value_30_30d",
            "t62"."age__value_30_30d",
            CASE
              WHEN "t62"."m___users_30_30" = 0
              THEN CAST(NULL AS DOUBLE)
              ELSE CAST("t62"."m__events_per_user_30d__previous" AS DOUBLE) / "t62"."m___users_30_30"
            END AS "m__events_per_user_30d__previous",
            "t62"."m__events_30d__previous"
          FROM (
            SELECT
              "t60"."account_id",
              "t60"."segment",
              "t60"."m__quota",
              "t60"."m__seats",
              "t60"."m__deal_sum_30d",
              "t60"."m__deal_avg_30d",
              "t60"."m__deal_min_30d",
              "t60"."m__deal_value_per_user_30d",
              "t60"."age__deal_sum_30d",
              "t60"."age__deal_avg_30d",
              "t60"."age__deal_min_30d",
              "t60"."age__deal_value_per_user_30d",
              "t60"."m__deal_max_all",
              "t60"."m__deal_latest",
              "t60"."age__deal_max_all",
              "t60"."age__deal_latest",
              "t60"."m__plans_30d",
              "t60"."m__events_30d",
              "t60"."m__events_per_user_30d",
              "t60"."m___users_30_0",
              "t60"."m__events_30d_tenure",
              "t60"."age__plans_30d",
              "t60"."age__events_30d",
              "t60"."age__events_per_user_30d",
              "t60"."age__events_30d_tenure",
              "t60"."m__paid_deals_30d",
              "t60"."age__paid_deals_30d",
              "t60"."m__not_free_30d",
              "t60"."age__not_free_30d",
              "t60"."m__value_30_30d",
              "t60"."age__value_30_30d",
              CASE
                WHEN (
                  SELECT
                    COUNT(*) > 0 AS "Greater(CountStar(), 0)"
                  FROM (
                    SELECT
                      *
                    FROM "events" AS "t2"
                    WHERE
                      "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-30' DAY + INTERVAL '1' DAY AS TIMESTAMP)
                    LIMIT 1
                  ) AS "t22"
                )
                THEN COALESCE("t60"."m__events_per_user_30d__previous", 0)
                ELSE "t60"."m__events_per_user_30d__previous"
              END AS "m__events_per_user_30d__previous",
              CASE
                WHEN (
                  SELECT
                    COUNT(*) > 0 AS "Greater(CountStar(), 0)"
                  FROM (
                    SELECT
                      *
                    FROM "events" AS "t2"
                    WHERE
                      "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-30' DAY + INTERVAL '1' DAY AS TIMESTAMP)
                    LIMIT 1
                  ) AS "t22"
                )
                THEN COALESCE("t60"."m___users_30_30", 0)
                ELSE "t60"."m___users_30_30"
              END AS "m___users_30_30",
              CASE
                WHEN (
                  SELECT
                    COUNT(*) > 0 AS "Greater(CountStar(), 0)"
                  FROM (
                    SELECT
                      *
                    FROM "events" AS "t2"
                    WHERE
                      "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-30' DAY + INTERVAL '1' DAY AS TIMESTAMP)
                    LIMIT 1
                  ) AS "t22"
                )
                THEN COALESCE("t60"."m__events_30d__previous", 0)
                ELSE "t60"."m__events_30d__previous"
              END AS "m__events_30d__previous"
            FROM (
              SELECT
                "t59"."account_id",
                "t59"."segment",
                "t59"."m__quota",
                "t59"."m__seats",
                "t59"."m__deal_sum_30d",
                "t59"."m__deal_avg_30d",
                "t59"."m__deal_min_30d",
                "t59"."m__deal_value_per_user_30d",
                "t59"."age__deal_sum_30d",
                "t59"."age__deal_avg_30d",
                "t59"."age__deal_min_30d",
                "t59"."age__deal_value_per_user_30d",
                "t59"."m__deal_max_all",
                "t59"."m__deal_latest",
                "t59"."age__deal_max_all",
                "t59"."age__deal_latest",
                "t59"."m__plans_30d",
                "t59"."m__events_30d",
                "t59"."m__events_per_user_30d",
                "t59"."m___users_30_0",
                "t59"."m__events_30d_tenure",
                "t59"."age__plans_30d",
                "t59"."age__events_30d",
                "t59"."age__events_per_user_30d",
                "t59"."age__events_30d_tenure",
                "t59"."m__paid_deals_30d",
                "t59"."age__paid_deals_30d",
                "t59"."m__not_free_30d",
                "t59"."age__not_free_30d",
                "t59"."m__value_30_30d",
                "t59"."age__value_30_30d",
                "t34"."m__events_per_user_30d__previous",
                "t34"."m___users_30_30",
                "t34"."m__events_30d__previous"
              FROM (
                SELECT
                  "t57"."account_id",
                  "t57"."segment",
                  "t57"."m__quota",
                  "t57"."m__seats",
                  "t57"."m__deal_sum_30d",
                  "t57"."m__deal_avg_30d",
                  "t57"."m__deal_min_30d",
                  "t57"."m__deal_value_per_user_30d",
                  "t57"."age__deal_sum_30d",
                  "t57"."age__deal_avg_30d",
                  "t57"."age__deal_min_30d",
                  "t57"."age__deal_value_per_user_30d",
                  "t57"."m__deal_max_all",
                  "t57"."m__deal_latest",
                  "t57"."age__deal_max_all",
                  "t57"."age__deal_latest",
                  "t57"."m__plans_30d",
                  "t57"."m__events_30d",
                  "t57"."m__events_per_user_30d",
                  "t57"."m___users_30_0",
                  "t57"."m__events_30d_tenure",
                  "t57"."age__plans_30d",
                  "t57"."age__events_30d",
                  "t57"."age__events_per_user_30d",
                  "t57"."age__events_30d_tenure",
                  "t57"."m__paid_deals_30d",
                  "t57"."age__paid_deals_30d",
                  "t57"."m__not_free_30d",
                  "t57"."age__not_free_30d",
                  CASE
                    WHEN (
                      SELECT
                        COUNT(*) > 0 AS "Greater(CountStar(), 0)"
                      FROM (
                        SELECT
                          *
                        FROM "events" AS "t2"
                        WHERE
                          "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
                        LIMIT 1
                      ) AS "t17"
                    )
                    THEN COALESCE("t57"."m__value_30_30d", 0)
                    ELSE "t57"."m__value_30_30d"
                  END AS "m__value_30_30d",
                  "t57"."age__value_30_30d"
                FROM (
                  SELECT
                    "t56"."account_id",
                    "t56"."segment",
                    "t56"."m__quota",
                    "t56"."m__seats",
                    "t56"."m__deal_sum_30d",
                    "t56"."m__deal_avg_30d",
                    "t56"."m__deal_min_30d",
                    "t56"."m__deal_value_per_user_30d",
                    "t56"."age__deal_sum_30d",
                    "t56"."age__deal_avg_30d",
                    "t56"."age__deal_min_30d",
                    "t56"."age__deal_value_per_user_30d",
                    "t56"."m__deal_max_all",
                    "t56"."m__deal_latest",
                    "t56"."age__deal_max_all",
                    "t56"."age__deal_latest",
                    "t56"."m__plans_30d",
                    "t56"."m__events_30d",
                    "t56"."m__events_per_user_30d",
                    "t56"."m___users_30_0",
                    "t56"."m__events_30d_tenure",
                    "t56"."age__plans_30d",
                    "t56"."age__events_30d",
                    "t56"."age__events_per_user_30d",
                    "t56"."age__events_30d_tenure",
                    "t56"."m__paid_deals_30d",
                    "t56"."age__paid_deals_30d",
                    "t56"."m__not_free_30d",
                    "t56"."age__not_free_30d",
                    "t41"."m__value_30_30d",
                    DATE_DIFF('DAY', CAST("t41"."_newest" AS DATE), MAKE_DATE(2024, 6, 30)) AS "age__value_30_30d"
                  FROM (
                    SELECT
                      "t54"."account_id",
                      "t54"."segment",
                      "t54"."m__quota",
                      "t54"."m__seats",
                      "t54"."m__deal_sum_30d",
                      "t54"."m__deal_avg_30d",
                      "t54"."m__deal_min_30d",
                      "t54"."m__deal_value_per_user_30d",
                      "t54"."age__deal_sum_30d",
                      "t54"."age__deal_avg_30d",
                      "t54"."age__deal_min_30d",
                      "t54"."age__deal_value_per_user_30d",
                      "t54"."m__deal_max_all",
                      "t54"."m__deal_latest",
                      "t54"."age__deal_max_all",
                      "t54"."age__deal_latest",
                      "t54"."m__plans_30d",
                      "t54"."m__events_30d",
                      "t54"."m__events_per_user_30d",
                      "t54"."m___users_30_0",
                      "t54"."m__events_30d_tenure",
                      "t54"."age__plans_30d",
                      "t54"."age__events_30d",
                      "t54"."age__events_per_user_30d",
                      "t54"."age__events_30d_tenure",
                      "t54"."m__paid_deals_30d",
                      "t54"."age__paid_deals_30d",
                      CASE
                        WHEN (
                          SELECT
                            COUNT(*) > 0 AS "Greater(CountStar(), 0)"
                          FROM (
                            SELECT
                              *
                            FROM "events" AS "t2"
                            WHERE
                              "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
                            LIMIT 1
                          ) AS "t17"
                        )
                        THEN COALESCE("t54"."m__not_free_30d", 0)
                        ELSE "t54"."m__not_free_30d"
                      END AS "m__not_free_30d",
                      "t54"."age__not_free_30d"
                    FROM (
                      SELECT
                        "t53"."account_id",
                        "t53"."segment",
                        "t53"."m__quota",
                        "t53"."m__seats",
                        "t53"."m__deal_sum_30d",
                        "t53"."m__deal_avg_30d",
                        "t53"."m__deal_min_30d",
                        "t53"."m__deal_value_per_user_30d",
                        "t53"."age__deal_sum_30d",
                        "t53"."age__deal_avg_30d",
                        "t53"."age__deal_min_30d",
                        "t53"."age__deal_value_per_user_30d",
                        "t53"."m__deal_max_all",
                        "t53"."m__deal_latest",
                        "t53"."age__deal_max_all",
                        "t53"."age__deal_latest",
                        "t53"."m__plans_30d",
                        "t53"."m__events_30d",
                        "t53"."m__events_per_user_30d",
                        "t53"."m___users_30_0",
                        "t53"."m__events_30d_tenure",
                        "t53"."age__plans_30d",
                        "t53"."age__events_30d",
                        "t53"."age__events_per_user_30d",
                        "t53"."age__events_30d_tenure",
                        "t53"."m__paid_deals_30d",
                        "t53"."age__paid_deals_30d",
                        "t37"."m__not_free_30d",
                        DATE_DIFF('DAY', CAST("t37"."_newest" AS DATE), MAKE_DATE(2024, 6, 30)) AS "age__not_free_30d"
                      FROM (
                        SELECT
                          "t51"."account_id",
                          "t51"."segment",
                          "t51"."m__quota",
                          "t51"."m__seats",
                          "t51"."m__deal_sum_30d",
                          "t51"."m__deal_avg_30d",
                          "t51"."m__deal_min_30d",
                          "t51"."m__deal_value_per_user_30d",
                          "t51"."age__deal_sum_30d",
                          "t51"."age__deal_avg_30d",
                          "t51"."age__deal_min_30d",
                          "t51"."age__deal_value_per_user_30d",
                          "t51"."m__deal_max_all",
                          "t51"."m__deal_latest",
                          "t51"."age__deal_max_all",
                          "t51"."age__deal_latest",
                          "t51"."m__plans_30d",
                          "t51"."m__events_30d",
                          "t51"."m__events_per_user_30d",
                          "t51"."m___users_30_0",
                          "t51"."m__events_30d_tenure",
                          "t51"."age__plans_30d",
                          "t51"."age__events_30d",
                          "t51"."age__events_per_user_30d",
                          "t51"."age__events_30d_tenure",
                          CASE
                            WHEN (
                              SELECT
                                COUNT(*) > 0 AS "Greater(CountStar(), 0)"
                              FROM (
                                SELECT
                                  *
                                FROM "events" AS "t2"
                                WHERE
                                  "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
                                LIMIT 1
                              ) AS "t17"
                            )
                            THEN COALESCE("t51"."m__paid_deals_30d", 0)
                            ELSE "t51"."m__paid_deals_30d"
                          END AS "m__paid_deals_30d",
                          "t51"."age__paid_deals_30d"
                        FROM (
                          SELECT
                            "t50"."account_id",
                            "t50"."segment",
                            "t50"."m__quota",
                            "t50"."m__seats",
                            "t50"."m__deal_sum_30d",
                            "t50"."m__deal_avg_30d",
                            "t50"."m__deal_min_30d",
                            "t50"."m__deal_value_per_user_30d",
                            "t50"."age__deal_sum_30d",
                            "t50"."age__deal_avg_30d",
                            "t50"."age__deal_min_30d",
                            "t50"."age__deal_value_per_user_30d",
                            "t50"."m__deal_max_all",
                            "t50"."m__deal_latest",
                            "t50"."age__deal_max_all",
                            "t50"."age__deal_latest",
                            "t50"."m__plans_30d",
                            "t50"."m__events_30d",
                            "t50"."m__events_per_user_30d",
                            "t50"."m___users_30_0",
                            "t50"."m__events_30d_tenure",
                            "t50"."age__plans_30d",
                            "t50"."age__events_30d",
                            "t50"."age__events_per_user_30d",
                            "t50"."age__events_30d_tenure",
                            "t31"."m__paid_deals_30d",
                            DATE_DIFF('DAY', CAST("t31"."_newest" AS DATE), MAKE_DATE(2024, 6, 30)) AS "age__paid_deals_30d"
                          FROM (
                            SELECT
                              "t48"."account_id",
                              "t48"."segment",
                              "t48"."m__quota",
                              "t48"."m__seats",
                              "t48"."m__deal_sum_30d",
                              "t48"."m__deal_avg_30d",
                              "t48"."m__deal_min_30d",
                              "t48"."m__deal_value_per_user_30d",
                              "t48"."age__deal_sum_30d",
                              "t48"."age__deal_avg_30d",
                              "t48"."age__deal_min_30d",
                              "t48"."age__deal_value_per_user_30d",
                              "t48"."m__deal_max_all",
                              "t48"."m__deal_latest",
                              "t48"."age__deal_max_all",
                              "t48"."age__deal_latest",
                              CASE
                                WHEN (
                                  SELECT
                                    COUNT(*) > 0 AS "Greater(CountStar(), 0)"
                                  FROM (
                                    SELECT
                                      *
                                    FROM "events" AS "t2"
                                    WHERE
                                      "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
                                    LIMIT 1
                                  ) AS "t17"
                                )
                                THEN COALESCE("t48"."m__plans_30d", 0)
                                ELSE "t48"."m__plans_30d"
                              END AS "m__plans_30d",
                              CASE
                                WHEN (
                                  SELECT
                                    COUNT(*) > 0 AS "Greater(CountStar(), 0)"
                                  FROM (
                                    SELECT
                                      *
                                    FROM "events" AS "t2"
                                    WHERE
                                      "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
                                    LIMIT 1
                                  ) AS "t17"
                                )
                                THEN COALESCE("t48"."m__events_30d", 0)
                                ELSE "t48"."m__events_30d"
                              END AS "m__events_30d",
                              CASE
                                WHEN (
                                  SELECT
                                    COUNT(*) > 0 AS "Greater(CountStar(), 0)"
                                  FROM (
                                    SELECT
                                      *
                                    FROM "events" AS "t2"
                                    WHERE
                                      "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
                                    LIMIT 1
                                  ) AS "t17"
                                )
                                THEN COALESCE("t48"."m__events_per_user_30d", 0)
                                ELSE "t48"."m__events_per_user_30d"
                              END AS "m__events_per_user_30d",
                              CASE
                                WHEN (
                                  SELECT
                                    COUNT(*) > 0 AS "Greater(CountStar(), 0)"
                                  FROM (
                                    SELECT
                                      *
                                    FROM "events" AS "t2"
                                    WHERE
                                      "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
                                    LIMIT 1
                                  ) AS "t17"
                                )
                                THEN COALESCE("t48"."m___users_30_0", 0)
                                ELSE "t48"."m___users_30_0"
                              END AS "m___users_30_0",
                              CASE
                                WHEN (
                                  SELECT
                                    COUNT(*) > 0 AS "Greater(CountStar(), 0)"
                                  FROM (
                                    SELECT
                                      *
                                    FROM "events" AS "t2"
                                    WHERE
                                      "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
                                    LIMIT 1
                                  ) AS "t17"
                                )
                                THEN COALESCE("t48"."m__events_30d_tenure", 0)
                                ELSE "t48"."m__events_30d_tenure"
                              END AS "m__events_30d_tenure",
                              "t48"."age__plans_30d",
                              "t48"."age__events_30d",
                              "t48"."age__events_per_user_30d",
                              "t48"."age__events_30d_tenure"
                            FROM (
                              SELECT
                                "t47"."account_id",
                                "t47"."segment",
                                "t47"."m__quota",
                                "t47"."m__seats",
                                "t42"."m__deal_sum_30d",
                                "t42"."m__deal_avg_30d",
                                "t42"."m__deal_min_30d",
                                "t42"."m__deal_value_per_user_30d",
                                DATE_DIFF('DAY', CAST("t42"."_newest" AS DATE), MAKE_DATE(2024, 6, 30)) AS "age__deal_sum_30d",
                                DATE_DIFF('DAY', CAST("t42"."_newest" AS DATE), MAKE_DATE(2024, 6, 30)) AS "age__deal_avg_30d",
                                DATE_DIFF('DAY', CAST("t42"."_newest" AS DATE), MAKE_DATE(2024, 6, 30)) AS "age__deal_min_30d",
                                DATE_DIFF('DAY', CAST("t42"."_newest" AS DATE), MAKE_DATE(2024, 6, 30)) AS "age__deal_value_per_user_30d",
                                "t44"."m__deal_max_all",
                                "t44"."m__deal_latest",
                                DATE_DIFF('DAY', CAST("t44"."_newest" AS DATE), MAKE_DATE(2024, 6, 30)) AS "age__deal_max_all",
                                DATE_DIFF('DAY', CAST("t44"."_newest" AS DATE), MAKE_DATE(2024, 6, 30)) AS "age__deal_latest",
                                "t32"."m__plans_30d",
                                "t32"."m__events_30d",
                                "t32"."m__events_per_user_30d",
                                "t32"."m___users_30_0",
                                "t32"."m__events_30d_tenure",
                                DATE_DIFF('DAY', CAST("t32"."_newest" AS DATE), MAKE_DATE(2024, 6, 30)) AS "age__plans_30d",
                                DATE_DIFF('DAY', CAST("t32"."_newest" AS DATE), MAKE_DATE(2024, 6, 30)) AS "age__events_30d",
                                DATE_DIFF('DAY', CAST("t32"."_newest" AS DATE), MAKE_DATE(2024, 6, 30)) AS "age__events_per_user_30d",
                                DATE_DIFF('DAY', CAST("t32"."_newest" AS DATE), MAKE_DATE(2024, 6, 30)) AS "age__events_30d_tenure"
                              FROM (
                                SELECT
                                  "t45"."id" AS "account_id",
                                  "t45"."segment",
                                  COALESCE(
                                    CASE
                                      WHEN JSON_TYPE("t45"."attributes" -> '$.quota') = 'VARCHAR'
                                      THEN (
                                        "t45"."attributes" -> '$.quota'
                                      ) ->> '$'
                                      ELSE NULL
                                    END,
                                    CAST("t45"."attributes" -> '$.quota' AS TEXT)
                                  ) AS "m__quota",
                                  "t45"."seats" AS "m__seats"
                                FROM (
                                  SELECT
                                    "t14"."id",
                                    "t14"."name",
                                    "t14"."owner",
                                    "t14"."segment",
                                    "t14"."industry",
                                    "t14"."plan",
                                    "t14"."arr",
                                    "t14"."seats",
                                    "t14"."customer_since",
                                    "t14"."renewal_date",
                                    "t14"."parent_id",
                                    "t14"."attributes",
                                    "t14"."updated_at"
                                  FROM "t6" AS "t14"
                                  ANTI JOIN (
                                    SELECT
                                      "t13"."account_id" AS "gid"
                                    FROM (
                                      SELECT
                                        *
                                      FROM "outcomes" AS "t3"
                                      WHERE
                                        "t3"."kind" = 'churned' AND "t3"."date" <= MAKE_DATE(2024, 6, 30)
                                    ) AS "t13"
                                    INNER JOIN "t6" AS "t15"
                                      ON "t13"."account_id" = "t15"."id" AND "t13"."date" >= "t15"."customer_since"
                                  ) AS "t35"
                                    ON "t14"."id" = "t35"."gid"
                                ) AS "t45"
                              ) AS "t47"
                              LEFT OUTER JOIN (
                                SELECT
                                  "t11"."account_id" AS "_account",
                                  SUM(
                                    CASE
                                      WHEN REGEXP_MATCHES(
                                        (
                                          "t11"."properties" ->> '$.value'
                                        ),
                                        '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
                                      )
                                      THEN CAST("t11"."properties" ->> '$.value' AS DOUBLE)
                                      ELSE CAST(NULL AS DOUBLE)
                                    END
                                  ) AS "m__deal_sum_30d",
                                  AVG(
                                    CASE
                                      WHEN REGEXP_MATCHES(
                                        (
                                          "t11"."properties" ->> '$.value'
                                        ),
                                        '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
                                      )
                                      THEN CAST("t11"."properties" ->> '$.value' AS DOUBLE)
                                      ELSE CAST(NULL AS DOUBLE)
                                    END
                                  ) AS "m__deal_avg_30d",
                                  MIN(
                                    CASE
                                      WHEN REGEXP_MATCHES(
                                        (
                                          "t11"."properties" ->> '$.value'
                                        ),
                                        '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
                                      )
                                      THEN CAST("t11"."properties" ->> '$.value' AS DOUBLE)
                                      ELSE CAST(NULL AS DOUBLE)
                                    END
                                  ) AS "m__deal_min_30d",
                                  SUM(
                                    CASE
                                      WHEN REGEXP_MATCHES(
                                        (
                                          "t11"."properties" ->> '$.value'
                                        ),
                                        '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
                                      )
                                      THEN CAST("t11"."properties" ->> '$.value' AS DOUBLE)
                                      ELSE CAST(NULL AS DOUBLE)
                                    END
                                  ) AS "m__deal_value_per_user_30d",
                                  MAX("t11"."timestamp") AS "_newest"
                                FROM (
                                  SELECT
                                    *
                                  FROM "events" AS "t2"
                                  WHERE
                                    "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
                                    AND "t2"."timestamp" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-29' DAY AS TIMESTAMP)
                                    AND "t2"."event" IN ('deal')
                                ) AS "t11"
                                GROUP BY
                                  1
                              ) AS "t42"
                                ON "t47"."account_id" = "t42"."_account"
                              LEFT OUTER JOIN (
                                SELECT
                                  "t10"."account_id" AS "_account",
                                  MAX(
                                    CASE
                                      WHEN REGEXP_MATCHES(
                                        (
                                          "t10"."properties" ->> '$.value'
                                        ),
                                        '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
                                      )
                                      THEN CAST("t10"."properties" ->> '$.value' AS DOUBLE)
                                      ELSE CAST(NULL AS DOUBLE)
                                    END
                                  ) AS "m__deal_max_all",
                                  FIRST(
                                    CASE
                                      WHEN REGEXP_MATCHES(
                                        (
                                          "t10"."properties" ->> '$.value'
                                        ),
                                        '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
                                      )
                                      THEN CAST("t10"."properties" ->> '$.value' AS DOUBLE)
                                      ELSE CAST(NULL AS DOUBLE)
                                    END ORDER BY "t10"."timestamp" DESC
                                  ) FILTER(WHERE
                                    CASE
                                      WHEN REGEXP_MATCHES(
                                        (
                                          "t10"."properties" ->> '$.value'
                                        ),
                                        '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
                                      )
                                      THEN CAST("t10"."properties" ->> '$.value' AS DOUBLE)
                                      ELSE CAST(NULL AS DOUBLE)
                                    END IS NOT NULL) AS "m__deal_latest",
                                  MAX("t10"."timestamp") AS "_newest"
                                FROM (
                                  SELECT
                                    *
                                  FROM "events" AS "t2"
                                  WHERE
                                    "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
                                    AND "t2"."event" IN ('deal')
                                ) AS "t10"
                                GROUP BY
                                  1
                              ) AS "t44"
                                ON "t47"."account_id" = "t44"."_account"
                              LEFT OUTER JOIN (
                                SELECT
                                  "t12"."account_id" AS "_account",
                                  COUNT(DISTINCT "t12"."properties" ->> '$.plan') AS "m__plans_30d",
                                  COUNT(*) AS "m__events_30d",
                                  COUNT(*) AS "m__events_per_user_30d",
                                  COUNT(DISTINCT "t12"."user_id") AS "m___users_30_0",
                                  COUNT(*) AS "m__events_30d_tenure",
                                  MAX("t12"."timestamp") AS "_newest"
                                FROM (
                                  SELECT
                                    *
                                  FROM "events" AS "t2"
                                  WHERE
                                    "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
                                    AND "t2"."timestamp" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-29' DAY AS TIMESTAMP)
                                ) AS "t12"
                                GROUP BY
                                  1
                              ) AS "t32"
                                ON "t47"."account_id" = "t32"."_account"
                            ) AS "t48"
                          ) AS "t50"
                          LEFT OUTER JOIN (
                            SELECT
                              "t18"."account_id" AS "_account",
                              COUNT(*) AS "m__paid_deals_30d",
                              MAX("t18"."timestamp") AS "_newest"
                            FROM (
                              SELECT
                                *
                              FROM "events" AS "t2"
                              WHERE
                                "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
                                AND "t2"."timestamp" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-29' DAY AS TIMESTAMP)
                                AND COALESCE((
                                  "t2"."properties" ->> '$.plan'
                                ) IN ('pro', 'team'), FALSE)
                            ) AS "t18"
                            GROUP BY
                              1
                          ) AS "t31"
                            ON "t50"."account_id" = "t31"."_account"
                        ) AS "t51"
                      ) AS "t53"
                      LEFT OUTER JOIN (
                        SELECT
                          "t21"."account_id" AS "_account",
                          COUNT(*) AS "m__not_free_30d",
                          MAX("t21"."timestamp") AS "_newest"
                        FROM (
                          SELECT
                            *
                          FROM "events" AS "t2"
                          WHERE
                            "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
                            AND "t2"."timestamp" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-29' DAY AS TIMESTAMP)
                            AND NOT (
                              COALESCE((
                                "t2"."properties" ->> '$.plan'
                              ) IN ('free'), FALSE)
                            )
                        ) AS "t21"
                        GROUP BY
                          1
                      ) AS "t37"
                        ON "t53"."account_id" = "t37"."_account"
                    ) AS "t54"
                  ) AS "t56"
                  LEFT OUTER JOIN (
                    SELECT
                      "t23"."account_id" AS "_account",
                      COUNT(*) AS "m__value_30_30d",
                      MAX("t23"."timestamp") AS "_newest"
                    FROM (
                      SELECT
                        *
                      FROM "events" AS "t2"
                      WHERE
                        "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
                        AND "t2"."timestamp" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-29' DAY AS TIMESTAMP)
                        AND COALESCE(
                          CASE
                            WHEN REGEXP_MATCHES(
                              (
                                "t2"."properties" ->> '$.value'
                              ),
                              '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
                            )
                            THEN CAST("t2"."properties" ->> '$.value' AS DOUBLE)
                            ELSE CAST(NULL AS DOUBLE)
                          END IN (30.0),
                          FALSE
                        )
                    ) AS "t23"
                    GROUP BY
                      1
                  ) AS "t41"
                    ON "t56"."account_id" = "t41"."_account"
                ) AS "t57"
              ) AS "t59"
              LEFT OUTER JOIN (
                SELECT
                  "t20"."account_id" AS "_account",
                  COUNT(*) AS "m__events_per_user_30d__previous",
                  COUNT(DISTINCT "t20"."user_id") AS "m___users_30_30",
                  COUNT(*) AS "m__events_30d__previous"
                FROM (
                  SELECT
                    *
                  FROM "events" AS "t2"
                  WHERE
                    "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-30' DAY + INTERVAL '1' DAY AS TIMESTAMP)
                    AND "t2"."timestamp" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-30' DAY + INTERVAL '-29' DAY AS TIMESTAMP)
                ) AS "t20"
                GROUP BY
                  1
              ) AS "t34"
                ON "t59"."account_id" = "t34"."_account"
            ) AS "t60"
          ) AS "t62"
          LEFT OUTER JOIN (
            SELECT
              "t1"."id" AS "_since_id",
              "t1"."customer_since" AS "_since"
            FROM "accounts" AS "t1"
          ) AS "t5"
            ON "t62"."account_id" = "t5"."_since_id"
        ) AS "t63"
      ) AS "t65"
      LEFT OUTER JOIN (
        SELECT
          *
        FROM (
          SELECT
            "t16"."account_id" AS "_acc",
            "t16"."name" AS "_input",
            FIRST("t16"."value_number" ORDER BY "t16"."created_at" DESC) AS "_num",
            FIRST("t16"."value_text" ORDER BY "t16"."created_at" DESC) AS "_text",
            MAX("t16"."created_at") AS "_at"
          FROM (
            SELECT
              *
            FROM "csm_inputs" AS "t0"
            WHERE
              "t0"."created_at" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
              AND (
                (
                  "t0"."expires_at" IS NULL
                )
                OR (
                  "t0"."expires_at" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
                )
              )
              AND (
                (
                  "t0"."revoked_at" IS NULL
                )
                OR (
                  "t0"."revoked_at" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
                )
              )
              AND "t0"."name" IN ('gut')
          ) AS "t16"
          GROUP BY
            1,
            2
        ) AS "t24"
        WHERE
          "t24"."_input" = 'gut'
      ) AS "t43"
        ON "t65"."account_id" = "t43"."_acc"
    ) AS "t66"
  ) AS "t67"
) AS "t68"
