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
  surveyForCompletedAppointment,
  type RequestSurveyProps,
  type RequestSurveyResult,
} from './survey.service';
export { RATING_LABELS, RATING_VALUES, type RatingValue } from './survey.model';
export type { Survey } from './survey.model';
