-- The grader's feedback for a quiz answer (what the rubric says for the chosen or matched
-- answer, and which expected points it covered), kept as it was given so that the attempt view
-- shows the learner the same words the grader chose. Answers graded before this have none (NULL).

-- AlterTable
ALTER TABLE "quiz_answers" ADD COLUMN "feedback" TEXT;
