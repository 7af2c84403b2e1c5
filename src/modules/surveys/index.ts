export {
  requestSurvey,
  handleSurveyAnswer,
  registerSurveyHooks,
  surveySettings,
  type SurveySettings,
  answerSurvey,
  findSurveyByToken,
  givenRating,
  ratingsGiven,
  surveysSent,
  surveyOfItem,
  surveyForResolvedItem,
  type RequestSurveyProps,
} from './survey.service';
export { RATING_LABELS, type RatingValue } from './survey.model';
export type { Survey } from './survey.model';
