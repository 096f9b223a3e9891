/**
 * The embeddable widget bundle: importing it registers <cprec-recommendations>.
 *
 *   <script type="module" src="/widget/cprec-widget.js"></script>
 *   <cprec-recommendations model="/models/ml-latest-small/" k="6"></cprec-recommendations>
 */
import { CprecRecommendations, defineCprecRecommendations } from './cprecRecommendations';

defineCprecRecommendations();

export { CprecRecommendations, defineCprecRecommendations };
export type { CprecErrorDetail, CprecSelectDetail } from './cprecRecommendations';
