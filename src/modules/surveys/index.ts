export {
  requestSurvey,
  handleSurveyAnswer,
  registerSurveyHooks,
  configureSurveys,
  answerSurvey,
  findSurveyByToken,
  surveyForResolvedItem,
  surveyForCompletedAppointment,
  type RequestSurveyProps,
  type RequestSurveyResult,
} from './survey.service';
export { RATING_LABELS, RATING_VALUES, type RatingValue } from './survey.model';
